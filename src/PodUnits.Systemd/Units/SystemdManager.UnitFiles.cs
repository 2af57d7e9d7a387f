using PodUnits.Systemd.Bus;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

/// <summary>What `systemctl daemon-reload`, `is-enabled`, `disable`, `try-restart` and
/// `reload` do, over the manager's D-Bus API, for `podunits refresh` (package triggers).</summary>
public sealed partial class SystemdManager
{
    /// <summary>Reload (daemon-reload): reruns the generators and rereads unit files. systemd
    /// answers the call only once the reload is complete.</summary>
    public Task ReloadDaemonAsync() =>
        CallManagerAsync("Reload", "daemon-reload", (ref MessageWriter w) => { }, null);

    /// <summary>GetUnitFileState: "enabled", "enabled-runtime", "disabled", "masked",
    /// "static", "generated", ... as `systemctl is-enabled` prints it.</summary>
    public Task<string> GetUnitFileStateAsync(string unitName) =>
        CallManagerAsync("GetUnitFileState", Subject(unitName), (ref MessageWriter w) => w.WriteString(unitName), "s",
            (message, _) => message.GetBodyReader().ReadString());

    /// <summary>DisableUnitFiles (persistent, not runtime): removes the links `systemctl
    /// enable` made. systemd rereads unit files only at the next reload.</summary>
    public Task DisableUnitFileAsync(string unitName) =>
        CallManagerAsync("DisableUnitFiles", Subject(unitName), (ref MessageWriter w) =>
        {
            w.WriteArray((string[])[unitName]);
            w.WriteBool(false);
        }, "asb");

    /// <summary>TryRestartUnit: restarts the unit if it runs (nothing otherwise) and waits for the job.</summary>
    public Task TryRestartUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        RunJobAsync("TryRestartUnit", "restart", unitName, (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString("replace"); }, "ss", cancellationToken);

    /// <summary>RestartUnit: stops the unit if it runs, starts it and waits for the job, which
    /// for a Type=notify service ends when it is ready, or fails at its start timeout.</summary>
    public Task RestartUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        RunJobAsync("RestartUnit", "restart", unitName, (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString("replace"); }, "ss", cancellationToken);

    /// <summary>ReloadUnit (the unit's ExecReload=) and waits for the job.</summary>
    public Task ReloadUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        RunJobAsync("ReloadUnit", "reload", unitName, (ref MessageWriter w) => { w.WriteString(unitName); w.WriteString("replace"); }, "ss", cancellationToken);
}

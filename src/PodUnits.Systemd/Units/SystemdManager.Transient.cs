using PodUnits.Systemd.Bus;
using Tmds.DBus.Protocol;

namespace PodUnits.Systemd.Units;

public sealed partial class SystemdManager
{
    /// <summary>
    /// Creates a transient scope around running processes and waits until it is started.
    /// The processes move into the scope's cgroup, so its limits apply to them at once.
    /// </summary>
    public Task StartTransientScopeAsync(string unitName, IReadOnlyList<uint> pids, TransientUnitProperties properties,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pids);
        ArgumentNullException.ThrowIfNull(properties);
        RequireSuffix(unitName, ".scope");
        if (pids.Count == 0)
        {
            throw new ArgumentException("a scope needs at least one process", nameof(pids));
        }
        List<UnitProperty> list = [UnitProperty.OfUInt32Array("PIDs", pids), .. properties.ToProperties()];
        return StartTransientUnitAsync(unitName, list, "fail", cancellationToken);
    }

    /// <summary>Creates and starts a transient service (ExecStart is required) and waits for the start job.</summary>
    public Task StartTransientServiceAsync(string unitName, TransientUnitProperties properties,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(properties);
        RequireSuffix(unitName, ".service");
        if (properties.ExecStart is not { Count: > 0 })
        {
            throw new ArgumentException("a transient service needs ExecStart", nameof(properties));
        }
        return StartTransientUnitAsync(unitName, properties.ToProperties(), "fail", cancellationToken);
    }

    /// <summary>
    /// StartTransientUnit(name, mode, properties, aux=[]) of any unit type, waiting for the
    /// job. Throws <see cref="SystemdCallException"/> with the D-Bus error name when systemd
    /// refuses the unit (UnitExists, InvalidArgs, ...) or with the job result when it fails.
    /// </summary>
    public Task StartTransientUnitAsync(string unitName, IReadOnlyList<UnitProperty> properties, string mode = "fail",
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(unitName);
        ArgumentNullException.ThrowIfNull(properties);
        return RunJobAsync("StartTransientUnit", "start", unitName, (ref MessageWriter writer) =>
        {
            writer.WriteString(unitName);
            writer.WriteString(mode);
            UnitProperty.WriteArray(ref writer, properties);
            // aux: a(sa(sv)), auxiliary units created with this one; PodUnits needs none.
            ArrayStart aux = writer.WriteArrayStart(DBusType.Struct);
            writer.WriteArrayEnd(aux);
        }, "ssa(sv)a(sa(sv))", cancellationToken);
    }

    private static void RequireSuffix(string unitName, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(unitName);
        if (!unitName.EndsWith(suffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"unit name '{unitName}' must end in {suffix}", nameof(unitName));
        }
    }
}

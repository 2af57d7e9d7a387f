using PodUnits.Core.Identity;
using PodUnits.Definitions;

namespace PodUnits.Generator;

/// <summary>
/// Whether systemd has the generator's settings for a pod's current definition. The generator
/// runs only at boot and daemon-reload: a definition copied into place and started at once
/// runs pod@NAME.service bare (no Restart= for its restartPolicy, no limits, no ordering),
/// and nothing said so. For an edited definition systemd itself warns at the next systemctl
/// call (the drop-in's SourcePath=), but for a pod the generator has never seen there is no
/// drop-in to carry SourcePath=. The generator writes its output only while systemd reloads,
/// so what is on disk in its directory is what systemd loaded.
/// </summary>
public static class GeneratedSettings
{
    /// <summary>The generators' "normal" output directory (systemd.generator(7)).</summary>
    public const string NormalDirectory = "/run/systemd/generator";

    /// <summary>Null when systemd has the generator's settings for <paramref name="pod"/>, read
    /// from <paramref name="definitionPath"/>; else what is wrong, and what to run.</summary>
    /// <param name="hostMachineId">The host's machine ID pod IDs derive from; null reads it.</param>
    public static string? Staleness(PodDefinition pod, string definitionPath, string directory = NormalDirectory, string? hostMachineId = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        string unit = GeneratorOutput.UnitName(pod.Name);
        var dropIn = new FileInfo(Path.Combine(directory, unit + ".d", DropInRenderer.FileName));
        if (!dropIn.Exists)
        {
            return $"systemd has no settings of the generator for {definitionPath} (restartPolicy, resources, ordering): "
                + "it was added after the last daemon-reload; run 'systemctl daemon-reload' and restart the pod";
        }
        // Judged by content, never by modification times: `cp -p`, `rsync -a`, `install -p` and
        // tar keep a source's older time, and a definition deployed that way looked current
        // (review of 2026-12-06, generator 9). Stale only when the generator would now write
        // something else: a ConfigMap in the pod's own file, a container's command or env
        // change no setting, and a warning then sent administrators to restart after every
        // `podunits reload` (tour G). One render and two small reads.
        PodUnitSettings now = PodUnitSettingsMapper.Map(pod, definitionPath, hostMachineId ?? PodIdentity.ReadHostMachineId());
        return Matches(now, directory, dropIn.FullName)
            ? null
            : $"{definitionPath} changed after the last daemon-reload, so the unit's settings are the older definition's; "
                + "run 'systemctl daemon-reload' and restart the pod";
    }

    /// <summary>Whether the generator's files for the pod are what it would write for
    /// <paramref name="settings"/>. Its wants links are left out: presets decide them
    /// (AutostartPolicy), and they steer the next boot, not this run.</summary>
    private static bool Matches(PodUnitSettings settings, string directory, string dropIn)
    {
        string socket = Path.Combine(directory, Core.Naming.PodUnitNames.Socket(settings.PodName));
        try
        {
            return File.ReadAllText(dropIn) == DropInRenderer.Render(settings)
                && (settings.SocketActivated ? File.Exists(socket) && File.ReadAllText(socket) == SocketUnitRenderer.Render(settings) : !File.Exists(socket));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A daemon-reload rewriting them this moment: say "reload" rather than fail a
            // status or a start over a hint.
            return false;
        }
    }
}

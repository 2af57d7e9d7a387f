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

    /// <summary>Null when systemd has the generator's settings for the definition at
    /// <paramref name="definitionPath"/>; else what is wrong, and what to run.</summary>
    public static string? Staleness(string pod, string definitionPath, string directory = NormalDirectory)
    {
        var dropIn = new FileInfo(Path.Combine(directory, GeneratorOutput.UnitName(pod) + ".d", DropInRenderer.FileName));
        if (!dropIn.Exists)
        {
            return $"systemd has no settings of the generator for {definitionPath} (restartPolicy, resources, ordering): "
                + "it was added after the last daemon-reload; run 'systemctl daemon-reload' and restart the pod";
        }
        return File.GetLastWriteTimeUtc(definitionPath) > dropIn.LastWriteTimeUtc
            ? $"{definitionPath} changed after the last daemon-reload, so the unit's settings are the older definition's; "
                + "run 'systemctl daemon-reload' and restart the pod"
            : null;
    }
}

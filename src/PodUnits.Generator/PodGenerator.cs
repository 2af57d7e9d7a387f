using PodUnits.Core.Identity;
using PodUnits.Definitions;
using PodUnits.Definitions.Host;

namespace PodUnits.Generator;

/// <summary>
/// One generator run: every definition of the search path (the first NAME.yaml wins) is
/// loaded and validated; each good one gets its drop-in (and wants link), each bad one is
/// reported by file and position and skipped, never stopping the others (Quadlet's rule).
/// </summary>
public static class PodGenerator
{
    /// <summary>Returns 0 when every definition was good, 1 when any was reported.</summary>
    public static int Run(PodDefinitionSearchPath searchPath, string outputDirectory, GeneratorLog log) =>
        Run(searchPath, outputDirectory, log, PodIdentity.ReadHostMachineId());

    /// <param name="hostMachineId">The host's machine ID the pods' IDs derive from (null: none yet).</param>
    /// <param name="presets">systemd's preset rules (<see cref="AutostartPolicy"/>); null: the host's.</param>
    /// <param name="objectRoots">Where ConfigMap and Secret files are looked up; null: the host's.</param>
    /// <param name="hostSettings">/etc/podunits/podunits.yaml as read; null: read it.</param>
    public static int Run(PodDefinitionSearchPath searchPath, string outputDirectory, GeneratorLog log, string? hostMachineId, UnitPresets? presets = null,
        IReadOnlyList<string>? objectRoots = null, HostSettings? hostSettings = null)
    {
        ArgumentNullException.ThrowIfNull(searchPath);
        ArgumentNullException.ThrowIfNull(log);
        presets ??= UnitPresets.Load(UnitPresets.SystemDirectories);
        // Read once, its errors said once. Loaded with each pod, they made every pod invalid:
        // one typo in podunits.yaml cost every pod its drop-in and autostart at the next boot,
        // with nothing in `systemctl --failed` (definitions review of 2026-12-07, finding 3).
        // No unit setting depends on the host settings, and each start reads the file again
        // and fails on its errors, on the unit's status line.
        hostSettings ??= HostSettings.Load();
        foreach (Diagnostic problem in hostSettings.Diagnostics)
        {
            Report(log, problem, "; every pod's units are generated all the same, and each start fails until it is fixed");
        }
        KeyValuePair<string, string>[] definitions = [.. searchPath.All()];
        // Parsing and validating is nearly all of the CPU time and each file is independent,
        // so it runs on every core; reporting and writing then go in search-path order, so
        // the log and the output do not depend on thread timing.
        var loaded = new Loaded[definitions.Length];
        // No decryption this early in boot (and none is needed: unit settings hold no values).
        // A missing ConfigMap or Secret is a warning: no unit setting depends on one, and it
        // may come later (a Secret a boot service writes into /run is never there this early).
        LoadOptions options = LoadOptions.Default with
        {
            DecryptSecret = null,
            ObjectRoots = objectRoots ?? LoadOptions.Default.ObjectRoots,
            MissingObjectsAreWarnings = true,
            HostSettings = hostSettings with { Diagnostics = [] },
        };
        Parallel.For(0, definitions.Length, i => loaded[i] = Load(definitions[i].Value, hostMachineId, options));
        var output = new GeneratorOutput(outputDirectory);
        for (int i = 0; i < definitions.Length; i++)
        {
            (string name, string file) = definitions[i];
            Loaded one = loaded[i];
            if (one.Failure is not null)
            {
                log.Error($"{file}: {one.Failure}; pod@{name}.service not generated");
                continue;
            }
            // Warnings too (a field that only steers a cluster, a repeated env name), as
            // Quadlet reports its own: the boot log is where an administrator looks.
            foreach (Diagnostic found in one.Result!.Diagnostics)
            {
                Report(log, found);
            }
            if (one.Settings is null)
            {
                log.Error($"{file}: invalid; pod@{name}.service not generated");
                continue;
            }
            try
            {
                output.Write(one.Settings with { Autostart = AutostartPolicy.Decide(one.Settings, searchPath.IsPackaged(file), presets) });
            }
#pragma warning disable CA1031 // one pod's files that cannot be written must not cost every later pod its units
            catch (Exception e)
#pragma warning restore CA1031
            {
                // A file that cannot be written (the output full or failing, a used --dir where
                // a directory sits at a file's name), a value the renderer refuses: until this
                // was caught, the run ended here and every pod after this one in the search path
                // got no units, its autostart none either (generator review of 2026-12-06,
                // finding 1). What was written of this pod goes, so that no half a set of files
                // passes for its units.
                output.Remove(name);
                log.Error($"{file}: {Core.Text.OneLine.Of(e.Message)}; pod@{name}.service not generated");
            }
        }
        return log.Errors == 0 ? 0 : 1;
    }

    /// <summary>Logs <paramref name="found"/>, an error with <paramref name="consequence"/> after it.</summary>
    private static void Report(GeneratorLog log, Diagnostic found, string consequence = "")
    {
        // The kernel log is readable by every user where dmesg_restrict is 0.
        Diagnostic diagnostic = found.Redacted();
        if (diagnostic.Severity == Severity.Error)
        {
            log.Error($"{diagnostic}{consequence}");
        }
        else
        {
            log.Warning($"{diagnostic.File}:{diagnostic.Line}:{diagnostic.Column}: {diagnostic.Message}"); // the log says "warning"
        }
    }

    private static Loaded Load(string file, string? hostMachineId, LoadOptions options)
    {
        try
        {
            LoadResult result = PodDefinitionLoader.LoadFile(file, options);
            return new Loaded(result, result.Pod is null ? null : PodUnitSettingsMapper.Map(result.Pod, file, hostMachineId), null);
        }
#pragma warning disable CA1031 // one unreadable file must not stop the generator
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new Loaded(null, null, e.Message);
        }
    }

    private readonly record struct Loaded(LoadResult? Result, PodUnitSettings? Settings, string? Failure);
}

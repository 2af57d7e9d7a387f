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
    public static int Run(PodDefinitionSearchPath searchPath, string outputDirectory, GeneratorLog log, RunningPodSettings? running = null) =>
        Run(searchPath, outputDirectory, log, PodIdentity.ReadHostMachineId(), running: running);

    /// <param name="hostMachineId">The host's machine ID the pods' IDs derive from (null: none yet).</param>
    /// <param name="presets">systemd's preset rules (<see cref="AutostartPolicy"/>); null: the host's.</param>
    /// <param name="objectRoots">Where ConfigMap and Secret files are looked up; null: the host's.</param>
    /// <param name="hostSettings">/etc/podunits/podunits.yaml as read; null: read it.</param>
    /// <param name="running">The saved settings of running pods, for a definition that no
    /// longer loads; null: none (such a definition's unit gets nothing).</param>
    public static int Run(PodDefinitionSearchPath searchPath, string outputDirectory, GeneratorLog log, string? hostMachineId, UnitPresets? presets = null,
        IReadOnlyList<string>? objectRoots = null, HostSettings? hostSettings = null, RunningPodSettings? running = null)
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
        foreach ((string root, string target) in searchPath.DanglingRoots())
        {
            log.Error($"{root} is a link to {target}, which is not there: its pods get no units (at boot, file systems other than / and /usr "
                + "are mounted after generators run: keep definitions there, or in /etc)");
        }
        KeyValuePair<string, string>[] definitions = [.. searchPath.All()];
        // Parsing and validating is nearly all of the CPU time and each file is independent,
        // so it runs on every core; reporting and writing then go in search-path order, so
        // the log and the output do not depend on thread timing.
        var loaded = new Loaded[definitions.Length];
        LoadOptions options = Options(hostSettings, objectRoots);
        Parallel.For(0, definitions.Length, i => loaded[i] = Load(definitions[i].Value, hostMachineId, options));
        var output = new GeneratorOutput(outputDirectory);
        for (int i = 0; i < definitions.Length; i++)
        {
            (string name, string file) = definitions[i];
            Loaded one = loaded[i];
            if (one.Failure is not null)
            {
                NotLoaded(output, running, log, name, $"{file}: {one.Failure}");
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
                NotLoaded(output, running, log, name, $"{file}: invalid");
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
        KeepRemoved(output, running, log, definitions.Select(d => d.Key).ToHashSet(StringComparer.Ordinal));
        return log.Errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// A running pod whose definition is gone keeps the files saved for the definition it
    /// started from, until it stops, as one whose definition no longer loads does: refresh
    /// reloads before it stops a removed pod, and the bare template's 45 s TimeoutStopSec= then
    /// cut short a longer grace period, SIGKILLing the pod mid-shutdown (generator review of
    /// 2026-12-07, finding 1). A warning, not an error: a removal is no fault. No wants link,
    /// as for a definition that does not load: /run starts empty at the next boot.
    /// </summary>
    private static void KeepRemoved(GeneratorOutput output, RunningPodSettings? running, GeneratorLog log, IReadOnlySet<string> defined)
    {
        if (running is null)
        {
            return;
        }
        foreach ((string name, SavedUnitFiles saved) in running.FindAll(defined))
        {
            try
            {
                output.WriteSaved(name, saved);
                log.Warning($"pod {name}: its definition was removed; pod@{name}.service keeps the running pod's settings, from the definition it started with, until it stops");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
            {
                output.Remove(name);
                log.Error($"pod {name}: its definition was removed, and its running pod's settings could not be written ({Core.Text.OneLine.Of(e.Message)}); "
                    + $"pod@{name}.service has the template's (Restart=no, 45 s stop timeout) until it stops");
            }
        }
    }

    /// <summary>How the generator loads a definition (and `podunits refresh` when it asks
    /// whether the generator could): no decryption this early in boot (and none is needed:
    /// unit settings hold no values). A missing ConfigMap or Secret is a warning: no unit
    /// setting depends on one, and it may come later (a Secret a boot service writes into /run
    /// is never there this early). The host settings' errors are said once, not per pod.</summary>
    public static LoadOptions Options(HostSettings hostSettings, IReadOnlyList<string>? objectRoots = null)
    {
        ArgumentNullException.ThrowIfNull(hostSettings);
        return LoadOptions.Default with
        {
            DecryptSecret = null,
            ObjectRoots = objectRoots ?? LoadOptions.Default.ObjectRoots,
            MissingObjectsAreWarnings = true,
            HostSettings = hostSettings with { Diagnostics = [] },
        };
    }

    /// <summary>
    /// Reports a definition that does not load (<paramref name="what"/>). Its unit gets no
    /// files, unless its pod runs: then the files the generator made for the definition that
    /// pod started from, which stage 0 saved, so that the running pod keeps its Restart=,
    /// stop timeout and socket until it stops (upgrade review of 2026-12-07, finding 1).
    /// </summary>
    private static void NotLoaded(GeneratorOutput output, RunningPodSettings? running, GeneratorLog log, string name, string what)
    {
        if (running?.Find(name) is { } saved)
        {
            try
            {
                output.WriteSaved(name, saved);
                log.Error($"{what}; pod@{name}.service keeps the running pod's settings, from the definition it started with, until it stops");
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
            {
                output.Remove(name);
                what += $" (its running pod's settings could not be written: {Core.Text.OneLine.Of(e.Message)})";
            }
        }
        log.Error($"{what}; pod@{name}.service not generated");
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

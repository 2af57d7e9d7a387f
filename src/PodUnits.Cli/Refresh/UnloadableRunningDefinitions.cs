using PodUnits.Definitions;
using PodUnits.Definitions.Host;
using PodUnits.Generator;

namespace PodUnits.Cli.Refresh;

/// <summary>
/// Running pods whose definition no longer loads, each said as a failed "validate" of its file.
/// A package that ships a definition the validator refuses, or a PodUnits upgrade that refuses
/// what the older version accepted, changes nothing the refresh acts on (the hash of an
/// unchanged file is unchanged): the pod runs on, the generator keeps its unit's settings
/// (RunningPodSettings), and only the boot log said why, so the package manager's output
/// showed nothing while the pod could not start again (upgrade review of 2026-12-07,
/// finding 1). Loaded as the generator loads them (<see cref="PodGenerator.Options"/>), so
/// "does not load" is the generator's verdict, not a missing Secret's.
/// </summary>
internal static class UnloadableRunningDefinitions
{
    /// <param name="said">Pods already reported for their definition (unreadable), or whose
    /// restart or socket move checks it and says so itself.</param>
    /// <param name="hasSavedSettings">Whether stage 0 saved a pod's unit settings (by default,
    /// <see cref="RunningPodSettings.IsSaved"/> of its runtime state).</param>
    public static List<RefreshReport> Find(Dictionary<string, DefinitionOnDisk> onDisk, IEnumerable<string> running, IReadOnlySet<string> said, IReadOnlySet<string>? only,
        Func<string, bool>? hasSavedSettings = null)
    {
        hasSavedSettings ??= pod => RunningPodSettings.IsSaved(Runtime.State.PodState.SavedUnitSettingsDir(pod));
        LoadOptions options = PodGenerator.Options(HostSettings.Load());
        var reports = new List<RefreshReport>();
        foreach (string pod in running.Where(p => (only is null || only.Contains(p)) && !said.Contains(p)).Order(StringComparer.Ordinal))
        {
            if (!onDisk.TryGetValue(pod, out DefinitionOnDisk definition))
            {
                continue; // removed: stopped as such
            }
            if (FirstError(definition.File, options) is { } error)
            {
                reports.Add(new RefreshReport(pod, "validate", definition.File, "its definition", "failed",
                    $"{error}; {Consequence(pod, hasSavedSettings(pod))}; it cannot start again until its definition loads"));
            }
        }
        return reports;
    }

    /// <summary>
    /// What the reload did to the running pod's unit. A pod started before PodUnits saved unit
    /// settings (before d603008: the first upgrade to that build, which is when an upgrade that
    /// refuses the older version's definitions bites), or run by hand rather than as its unit,
    /// has no copy, and the generator left its unit the template's: saying it kept its settings
    /// told the administrator the opposite of the unit's state (merged-changes review of
    /// 2026-12-07, finding 3). The check looks for the file the generator looks for, so both
    /// agree.
    /// </summary>
    internal static string Consequence(string pod, bool saved)
    {
        string unit = Core.Naming.PodUnitNames.Service(pod);
        return saved
            ? $"pod {pod} keeps running the definition it started with, and {unit} that one's settings, until it stops"
            : $"pod {pod} keeps running the definition it started with, but no unit settings were saved for it (it started before PodUnits "
              + $"saved them, or not as {unit}): {unit} now has the template's (Restart=no, 45 s stop timeout) until it stops";
    }

    /// <summary>Why <paramref name="file"/> does not load, in one line; null when it does.</summary>
    private static string? FirstError(string file, LoadOptions options) => Load(file, options, out string? error) is null ? error : null;

    /// <summary><paramref name="file"/>'s pod as loaded with <paramref name="options"/>; null,
    /// with why in one line in <paramref name="error"/>, when it does not load.</summary>
    internal static PodDefinition? Load(string file, LoadOptions options, out string? error)
    {
        try
        {
            LoadResult loaded = PodDefinitionLoader.LoadFile(file, options);
            error = loaded.Pod is not null ? null
                : loaded.Diagnostics.FirstOrDefault(d => d.Severity == Severity.Error)?.Redacted().ToString() ?? "invalid";
            return loaded.Pod;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
        {
            error = Core.Text.OneLine.Of(e.Message);
            return null;
        }
    }
}

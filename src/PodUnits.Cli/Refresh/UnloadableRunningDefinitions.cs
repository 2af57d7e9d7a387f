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
    public static List<RefreshReport> Find(Dictionary<string, DefinitionOnDisk> onDisk, IEnumerable<string> running, IReadOnlySet<string> said, IReadOnlySet<string>? only)
    {
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
                string unit = Core.Naming.PodUnitNames.Service(pod);
                reports.Add(new RefreshReport(pod, "validate", definition.File, "its definition", "failed",
                    $"{error}; pod {pod} keeps running the definition it started with, and {unit} that one's settings, until it stops; "
                    + "it cannot start again until its definition loads"));
            }
        }
        return reports;
    }

    /// <summary>Why <paramref name="file"/> does not load, in one line; null when it does.</summary>
    private static string? FirstError(string file, LoadOptions options)
    {
        try
        {
            LoadResult loaded = PodDefinitionLoader.LoadFile(file, options);
            return loaded.Pod is not null ? null
                : loaded.Diagnostics.FirstOrDefault(d => d.Severity == Severity.Error)?.Redacted().ToString() ?? "invalid";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
        {
            return Core.Text.OneLine.Of(e.Message);
        }
    }
}

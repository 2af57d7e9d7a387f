using PodUnits.Cli.Refresh;

namespace PodUnits.UnitTests.Cli;

/// <summary>Upgrade review of 2026-12-07, finding 1: `podunits refresh` reports every running
/// pod whose definition no longer loads, planned for or not, so that a package manager's output
/// shows it; once per pod, and never for a stopped one.</summary>
public sealed class UnloadableRunningDefinitionsTests : IDisposable
{
    private readonly string _pods = Directory.CreateTempSubdirectory("podunits-refresh-invalid-").FullName;

    public void Dispose() => Directory.Delete(_pods, recursive: true);

    private DefinitionOnDisk Write(string name, string yaml)
    {
        string file = Path.Combine(_pods, name + ".yaml");
        File.WriteAllText(file, yaml);
        return new DefinitionOnDisk(file, new string('0', 64));
    }

    private const string Good = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: c, image: \"dir:/srv/c\"}\n";
    private const string Broken = "apiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - {name: c, image: \"dir:/srv/c\"}\n";

    [Fact]
    public void EachRunningPodWhoseDefinitionDoesNotLoadIsReportedOnce()
    {
        var onDisk = new Dictionary<string, DefinitionOnDisk>(StringComparer.Ordinal)
        {
            ["db"] = Write("db", Broken),
            ["web"] = Write("web", Good),
            ["idle"] = Write("idle", Broken),
            ["moved"] = Write("moved", Broken),
        };

        List<RefreshReport> reports = UnloadableRunningDefinitions.Find(onDisk, ["web", "db", "moved", "gone"],
            new HashSet<string>(["moved"], StringComparer.Ordinal), only: null, hasSavedSettings: _ => true);

        RefreshReport db = Assert.Single(reports); // not idle (stopped), web (loads), moved (said by its restart), gone (no definition)
        Assert.Equal(("db", "validate", onDisk["db"].File, "failed"), (db.Pod, db.Action, db.Unit, db.Result));
        Assert.Contains("db.yaml:4:", db.Error, StringComparison.Ordinal);
        Assert.EndsWith("pod db keeps running the definition it started with, and pod@db.service that one's settings, until it stops; "
            + "it cannot start again until its definition loads", db.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheNamedPodsAreLookedAt()
    {
        var onDisk = new Dictionary<string, DefinitionOnDisk>(StringComparer.Ordinal) { ["db"] = Write("db", Broken) };

        Assert.Empty(UnloadableRunningDefinitions.Find(onDisk, ["db"], new HashSet<string>(StringComparer.Ordinal),
            new HashSet<string>(["web"], StringComparer.Ordinal), hasSavedSettings: _ => true));
    }

    /// <summary>Merged-changes review of 2026-12-07, finding 3: a pod started before PodUnits
    /// saved unit settings has none, the reload gave its unit the template's, and refresh says
    /// so instead of claiming the unit kept its settings.</summary>
    [Fact]
    public void APodWithoutSavedSettingsIsSaidToHaveTheTemplatesUnit()
    {
        var onDisk = new Dictionary<string, DefinitionOnDisk>(StringComparer.Ordinal)
        {
            ["db"] = Write("db", Broken),
            ["old"] = Write("old", Broken),
        };
        var asked = new List<string>();

        List<RefreshReport> reports = UnloadableRunningDefinitions.Find(onDisk, ["db", "old"], new HashSet<string>(StringComparer.Ordinal), only: null,
            hasSavedSettings: pod => { asked.Add(pod); return pod == "db"; });

        Assert.Equal(["db", "old"], asked);
        Assert.Equal(["db", "old"], reports.Select(r => r.Pod));
        Assert.Contains("pod@db.service that one's settings, until it stops", reports[0].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("template", reports[0].Error, StringComparison.Ordinal);
        Assert.EndsWith("pod old keeps running the definition it started with, but no unit settings were saved for it (it started before "
            + "PodUnits saved them, or not as pod@old.service): pod@old.service now has the template's (Restart=no, 45 s stop timeout) "
            + "until it stops; it cannot start again until its definition loads", reports[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SavedSettingsAreTheDropInStage0Wrote()
    {
        string directory = Path.Combine(_pods, "unit");
        Assert.False(PodUnits.Generator.RunningPodSettings.IsSaved(directory));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "socket"), "[Socket]\n");
        Assert.False(PodUnits.Generator.RunningPodSettings.IsSaved(directory)); // the drop-in, written last, says the copy is whole
        File.WriteAllText(Path.Combine(directory, "50-podunits.conf"), "[Service]\n");
        Assert.True(PodUnits.Generator.RunningPodSettings.IsSaved(directory));
    }
}

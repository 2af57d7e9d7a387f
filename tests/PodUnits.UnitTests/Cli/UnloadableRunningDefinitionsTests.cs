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
            new HashSet<string>(["moved"], StringComparer.Ordinal), only: null);

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
            new HashSet<string>(["web"], StringComparer.Ordinal)));
    }
}

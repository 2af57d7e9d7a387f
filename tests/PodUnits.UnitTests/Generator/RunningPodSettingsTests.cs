using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>Upgrade review of 2026-12-07, finding 1: a definition that stops loading while its
/// pod runs left pod@NAME.service bare at the next daemon-reload (Restart=no, the template's
/// stop timeout, no socket unit). The generator writes the files stage 0 saved for the
/// definition the pod started from instead, but only while the pod's claim is held.</summary>
public sealed class RunningPodSettingsTests : IDisposable
{
    private readonly string _pods = Directory.CreateTempSubdirectory("podunits-gen-keep-pods-").FullName;
    private readonly string _output = Directory.CreateTempSubdirectory("podunits-gen-keep-out-").FullName;
    private readonly string _state = Directory.CreateTempSubdirectory("podunits-gen-keep-state-").FullName;
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    public void Dispose()
    {
        Directory.Delete(_pods, recursive: true);
        Directory.Delete(_output, recursive: true);
        Directory.Delete(_state, recursive: true);
    }

    private const string Good = """
        apiVersion: v1
        kind: Pod
        metadata:
          annotations: {podunits.io/listen: "tcp:8080"}
        spec:
          restartPolicy: Always
          terminationGracePeriodSeconds: 600
          containers:
          - {name: db, image: "dir:/srv/db"}

        """;

    private const string Broken = """
        apiVersion: v1
        kind: Pod
        spec:
          restartPolicy: Sometimes
          containers:
          - {name: db, image: "dir:/srv/db"}

        """;

    private RunningPodSettings Running => new(pod => Path.Combine(_state, pod, "unit"), _held.Contains,
        () => Directory.EnumerateDirectories(_state).Select(d => Path.GetFileName(d)));

    private string DropIn => Path.Combine(_output, "pod@db.service.d", DropInRenderer.FileName);

    private string Socket => Path.Combine(_output, "pod@db.socket");

    /// <summary>What stage 0 saves when db.yaml is <see cref="Good"/>; the settings saved.</summary>
    private PodUnitSettings StartFromGoodDefinition()
    {
        string file = Path.Combine(_pods, "db.yaml");
        File.WriteAllText(file, Good);
        PodUnitSettings settings = PodUnitSettingsMapper.Map(PodDefinitionLoader.LoadFile(file, LoadOptions.Default).GetPodOrThrow(), file, null);
        RunningPodSettings.Save(Path.Combine(_state, "db", "unit"), settings);
        return settings;
    }

    private string Generate(out int status)
    {
        var stderr = new StringWriter();
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            status = PodGenerator.Run(new PodDefinitionSearchPath([_pods]), _output, log, null, running: Running);
        }
        return stderr.ToString();
    }

    [Fact]
    public void ARunningPodWhoseDefinitionBreaksKeepsTheSettingsItStartedWith()
    {
        PodUnitSettings started = StartFromGoodDefinition();
        _held.Add("db");
        File.WriteAllText(Path.Combine(_pods, "db.yaml"), Broken);

        string said = Generate(out int status);

        Assert.Equal(1, status); // the definition is still an error
        Assert.Contains("pod@db.service keeps the running pod's settings, from the definition it started with, until it stops", said, StringComparison.Ordinal);
        Assert.DoesNotContain("not generated", said, StringComparison.Ordinal);
        Assert.Equal(DropInRenderer.Render(started), File.ReadAllText(DropIn));
        Assert.Contains("Restart=always\n", File.ReadAllText(DropIn), StringComparison.Ordinal);
        Assert.Equal(SocketUnitRenderer.Render(started), File.ReadAllText(Socket));
    }

    [Fact]
    public void AStoppedPodsStaleCopyIsNotUsed()
    {
        // A killed executor leaves its runtime directory until the next start or gc: the claim,
        // not the copy, says whether the pod runs.
        StartFromGoodDefinition();
        File.WriteAllText(Path.Combine(_pods, "db.yaml"), Broken);

        string said = Generate(out int status);

        Assert.Equal(1, status);
        Assert.Contains("pod@db.service not generated", said, StringComparison.Ordinal);
        Assert.False(File.Exists(DropIn));
        Assert.False(File.Exists(Socket));
    }

    [Fact]
    public void ARunningPodWithNothingSavedGetsNothing()
    {
        // Started by a PodUnits from before the copy, or by hand from a file.
        _held.Add("db");
        File.WriteAllText(Path.Combine(_pods, "db.yaml"), Broken);

        Assert.Contains("pod@db.service not generated", Generate(out _), StringComparison.Ordinal);
        Assert.False(File.Exists(DropIn));
    }

    [Fact]
    public void ADefinitionThatLoadsIsGeneratedAsItIsNowNotAsSaved()
    {
        StartFromGoodDefinition();
        _held.Add("db");
        File.WriteAllText(Path.Combine(_pods, "db.yaml"), Good.Replace("restartPolicy: Always", "restartPolicy: OnFailure", StringComparison.Ordinal));

        string said = Generate(out int status);

        Assert.Equal(0, status);
        Assert.DoesNotContain("keeps the running pod's settings", said, StringComparison.Ordinal);
        Assert.Contains("Restart=on-failure\n", File.ReadAllText(DropIn), StringComparison.Ordinal);
    }

    [Fact]
    public void APodWithoutSocketsSavesNone()
    {
        string file = Path.Combine(_pods, "db.yaml");
        File.WriteAllText(file, Good.Replace("annotations: {podunits.io/listen: \"tcp:8080\"}", "annotations: {}", StringComparison.Ordinal));
        PodUnitSettings settings = PodUnitSettingsMapper.Map(PodDefinitionLoader.LoadFile(file, LoadOptions.Default).GetPodOrThrow(), file, null);
        RunningPodSettings.Save(Path.Combine(_state, "db", "unit"), settings);
        _held.Add("db");

        SavedUnitFiles saved = Assert.IsType<SavedUnitFiles>(Running.Find("db"));

        Assert.Equal(DropInRenderer.Render(settings), saved.DropIn);
        Assert.Null(saved.Socket);
    }

    /// <summary>Generator review of 2026-12-07, finding 1: a running pod whose definition was
    /// removed (a package removed, refresh's reload before its stop) kept nothing, and the stop
    /// had the template's 45 s instead of the pod's grace period.</summary>
    [Fact]
    public void ARunningPodWhoseDefinitionIsGoneKeepsTheSettingsItStartedWith()
    {
        PodUnitSettings started = StartFromGoodDefinition();
        _held.Add("db");
        File.Delete(Path.Combine(_pods, "db.yaml"));

        string said = Generate(out int status);

        Assert.Equal(0, status); // a removal is no error
        Assert.Contains("pod db: its definition was removed; pod@db.service keeps the running pod's settings", said, StringComparison.Ordinal);
        Assert.Equal(DropInRenderer.Render(started), File.ReadAllText(DropIn));
        Assert.Contains("TimeoutStopSec=615\n", File.ReadAllText(DropIn), StringComparison.Ordinal); // the grace period's, not the template's 45 s
        Assert.Equal(SocketUnitRenderer.Render(started), File.ReadAllText(Socket));
        Assert.False(Directory.Exists(Path.Combine(_output, "sockets.target.wants")));
        Assert.False(Directory.Exists(Path.Combine(_output, "multi-user.target.wants")));
    }

    [Fact]
    public void AStoppedPodWhoseDefinitionIsGoneGetsNothing()
    {
        StartFromGoodDefinition();
        File.Delete(Path.Combine(_pods, "db.yaml"));

        string said = Generate(out int status);

        Assert.Equal(0, status);
        Assert.Equal("", said);
        Assert.False(File.Exists(DropIn));
        Assert.False(File.Exists(Socket));
    }

    [Fact]
    public void StateThatIsNotAPodsIsNotLookedAt()
    {
        // Only pod names become paths in the output; a held claim of a defined pod is that
        // definition's business, not a removal's.
        Directory.CreateDirectory(Path.Combine(_state, "Not_A_Pod", "unit"));
        File.WriteAllText(Path.Combine(_state, "Not_A_Pod", "unit", DropInRenderer.FileName), "[Service]\n");
        _held.Add("Not_A_Pod");
        StartFromGoodDefinition();
        _held.Add("db");

        string said = Generate(out int status);

        Assert.Equal(0, status);
        Assert.DoesNotContain("removed", said, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFileSystemEntries(_output), e => e.EndsWith(".service.d", StringComparison.Ordinal));
    }
}

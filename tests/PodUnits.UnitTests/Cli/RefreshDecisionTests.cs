using PodUnits.Cli.Refresh;
using PodUnits.Core.Errors;

namespace PodUnits.UnitTests.Cli;

/// <summary>`podunits refresh`'s rules (docs/packaging.md) on their own: what stops, restarts,
/// reloads and starts, from what is on disk, what runs and what the last refresh saw; and its
/// record and digests.</summary>
public sealed class RefreshDecisionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-refresh-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly DateTime Changed = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly Dictionary<string, DefinitionOnDisk> OnDisk = new(StringComparer.Ordinal)
    {
        ["same"] = new("/usr/lib/podunits/pods/same.yaml", "aa"),
        ["changed"] = new("/usr/lib/podunits/pods/changed.yaml", "bb"),
        ["overridden"] = new("/etc/podunits/pods/overridden.yaml", "cc"),
        ["old-executor"] = new("/usr/lib/podunits/pods/old-executor.yaml", "dd"),
        ["new-on"] = new("/usr/lib/podunits/pods/new-on.yaml", "ee"),
        ["new-off"] = new("/usr/lib/podunits/pods/new-off.yaml", "ff"),
        ["stopped"] = new("/usr/lib/podunits/pods/stopped.yaml", "11"),
        ["started-after"] = new("/usr/lib/podunits/pods/started-after.yaml", "33"),
    };

    private static readonly Dictionary<string, RunningPod> Running = new(StringComparer.Ordinal)
    {
        ["same"] = new("/usr/lib/podunits/pods/same.yaml", "aa", Changed.AddHours(-1)),
        ["changed"] = new("/usr/lib/podunits/pods/changed.yaml", "00"),
        ["started-after"] = new("/usr/lib/podunits/pods/started-after.yaml", "33", Changed.AddSeconds(1)),
        ["overridden"] = new("/usr/lib/podunits/pods/overridden.yaml", "cc"),
        ["old-executor"] = new(null, null),
        ["removed"] = new("/usr/lib/podunits/pods/removed.yaml", "22"),
    };

    private static readonly HashSet<string> Seen = new(["same", "changed", "overridden", "old-executor", "removed", "stopped", "started-after"], StringComparer.Ordinal);

    private static string? Enabled(string pod) => pod is "new-on" or "stopped" ? $"pod@{pod}.service" : null;

    private static string[] Render(IEnumerable<RefreshAction> actions) => [.. actions.Select(a => $"{a.Kind} {a.Unit}")];

    [Fact]
    public void RemovedStopChangedRestartAndOnlyNewEnabledPodsStart()
    {
        List<RefreshAction> actions = RefreshDecision.Decide(OnDisk, Running, Seen, Enabled, configChangedAt: null, only: null);
        Assert.Equal(["Restart pod@changed.service", "Restart pod@overridden.service", "Stop pod@removed.service", "Start pod@new-on.service"], Render(actions));
        Assert.Contains("now defined by /etc/podunits/pods/overridden.yaml", actions[1].Reason, StringComparison.Ordinal);
        Assert.Equal("its definition was removed", actions[2].Reason);
    }

    /// <summary>Review of 2026-12-05: refresh looked at services only, so an idle
    /// socket-activated pod whose definition was removed kept listening on its port.</summary>
    [Fact]
    public void TheSocketOfAnIdlePodWhoseDefinitionWasRemovedStops()
    {
        HashSet<string> listening = new(["gone-idle", "removed", "same"], StringComparer.Ordinal);
        List<RefreshAction> actions = RefreshDecision.Decide(OnDisk, Running, Seen, Enabled, configChangedAt: null, only: null, listening: listening);
        Assert.Equal(["Stop pod@gone-idle.socket", "Restart pod@changed.service", "Restart pod@overridden.service", "Stop pod@removed.service", "Start pod@new-on.service"],
            Render(actions));
        Assert.Empty(RefreshDecision.Decide(OnDisk, Running, Seen, Enabled, configChangedAt: null, only: new HashSet<string>(["same"]), listening: listening));
    }

    [Fact]
    public void ChangedConfigurationReloadsRunningPodsThatDoNotRestartAndStartedBeforeIt()
    {
        List<RefreshAction> actions = RefreshDecision.Decide(OnDisk, Running, Seen, Enabled, configChangedAt: Changed, only: null);
        Assert.Equal(["Restart pod@changed.service", "Reload pod@old-executor.service", "Restart pod@overridden.service",
            "Stop pod@removed.service", "Reload pod@same.service", "Start pod@new-on.service"], Render(actions));
    }

    /// <summary>Tour G: a pod added by hand after the last refresh, started and stopped, was
    /// started by the next package's trigger.</summary>
    [Fact]
    public void ANewPodThatRanAndEndedSinceTheLastRefreshStaysStopped() =>
        Assert.Equal(["Restart pod@changed.service", "Restart pod@overridden.service", "Stop pod@removed.service"],
            Render(RefreshDecision.Decide(OnDisk, Running, Seen, Enabled, configChangedAt: null, only: null, endedSinceLastRefresh: pod => pod == "new-on")));

    [Fact]
    public void OnTheFirstRefreshEveryEnabledPodThatIsNotRunningStarts() =>
        Assert.Equal(["Restart pod@changed.service", "Restart pod@overridden.service", "Stop pod@removed.service", "Start pod@new-on.service", "Start pod@stopped.service"],
            Render(RefreshDecision.Decide(OnDisk, Running, seenBefore: null, Enabled, configChangedAt: null, only: null)));

    [Fact]
    public void NamedPodsAloneAreConsidered() =>
        Assert.Equal(["Restart pod@changed.service", "Start pod@new-on.service"],
            Render(RefreshDecision.Decide(OnDisk, Running, Seen, Enabled, configChangedAt: Changed, only: new HashSet<string>(["changed", "new-on", "new-off"], StringComparer.Ordinal))));

    [Fact]
    public void NothingChangedMeansNothingToDo() =>
        Assert.Empty(RefreshDecision.Decide(OnDisk, new Dictionary<string, RunningPod>(StringComparer.Ordinal) { ["same"] = Running["same"] },
            new HashSet<string>(OnDisk.Keys, StringComparer.Ordinal), Enabled, configChangedAt: null, only: null));

    [Fact]
    public void TheRecordRoundTripsAndADamagedOneFailsLoudly()
    {
        string path = $"{_dir}/state/refresh.json";
        Assert.Null(RefreshRecord.Load(path));
        new RefreshRecord { Pods = { ["web"] = "aa" }, Config = "cc" }.Save(path);
        RefreshRecord back = RefreshRecord.Load(path)!;
        Assert.Equal("aa", back.Pods["web"]);
        Assert.Equal("cc", back.Config);
        File.WriteAllText(path, "{\"pods\": ");
        var e = Assert.Throws<PodUnitsException>(() => RefreshRecord.Load(path));
        Assert.StartsWith(path + ": is not a refresh record", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConfigDigestFollowsFilesButNotTheirContentAlone()
    {
        string configmaps = Directory.CreateDirectory($"{_dir}/configmaps").FullName;
        string empty = DefinitionInventory.ConfigDigest([configmaps, $"{_dir}/missing"]);
        File.WriteAllText($"{configmaps}/page.yaml", "a: 1\n");
        string one = DefinitionInventory.ConfigDigest([configmaps]);
        Assert.NotEqual(empty, one);
        Assert.Equal(one, DefinitionInventory.ConfigDigest([configmaps]));
        File.WriteAllText($"{configmaps}/page.yaml", "a: 22\n"); // an upgrade rewrites it
        Assert.NotEqual(one, DefinitionInventory.ConfigDigest([configmaps]));
        File.Delete($"{configmaps}/page.yaml");
        Assert.Equal(empty, DefinitionInventory.ConfigDigest([configmaps]));
    }

    [Fact]
    public void TheLastConfigChangeIsTheNewestOfDirectoriesAndFiles()
    {
        string dir = Directory.CreateDirectory($"{_dir}/secrets").FullName;
        File.WriteAllText($"{dir}/a.yaml", "a");
        DateTime built = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc); // a package keeps its build time
        File.SetLastWriteTimeUtc($"{dir}/a.yaml", built);
        Directory.SetLastWriteTimeUtc(dir, built.AddDays(1));
        Assert.Equal(built.AddDays(1), DefinitionInventory.LastConfigChangeUtc([dir, $"{_dir}/missing"]));
        File.SetLastWriteTimeUtc($"{dir}/a.yaml", built.AddDays(2)); // edited in place
        Assert.Equal(built.AddDays(2), DefinitionInventory.LastConfigChangeUtc([dir]));
    }

    [Fact]
    public void ADefinitionsHashIsItsBytesSha256()
    {
        string file = $"{_dir}/web.yaml";
        File.WriteAllText(file, "kind: Pod\n");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), PodUnits.Definitions.PodDefinitionSearchPath.HashOf(file));
    }
}

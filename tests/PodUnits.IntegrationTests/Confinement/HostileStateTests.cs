using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A pod's plan holds every container's environment, passwords included (issue 16): the
/// plan and its directory under /run/podunits/state are root's only, and no environment
/// value shows in `podunits status` (text or JSON) or in the unit's journal.
/// </summary>
public sealed class HostileStateTests
{
    private const string Podunits = "/usr/bin/podunits";
    private const UnixFileMode GroupAndOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public void PlanAndItsDirectoryAreRootsOnly()
    {
        using var pod = new PodHarness("hostile-plan", PodHarness.BusyboxPod("hostile-plan", "echo started; " + PodHarness.Idle));
        string[] lines = HostilePods.RunUntil(pod, "started");
        Assert.True(lines.Contains("started"), HostilePods.Explain(pod, lines));
        const string dir = "/run/podunits/state/hostile-plan";
        UnixFileMode dirMode = File.GetUnixFileMode(dir), planMode = File.GetUnixFileMode($"{dir}/plan.json");
        Assert.True((dirMode & GroupAndOther) == 0, $"{dir} is {Octal(dirMode)}: others may enter it (want 0700)");
        Assert.True((planMode & GroupAndOther) == 0, $"{dir}/plan.json is {Octal(planMode)}: others may read it (want 0600)");
    }

    [Fact]
    public void EnvironmentValuesStayOutOfStatusTheJournalAndTheHostsRun()
    {
        string secret = $"hostile-secret-{Guid.NewGuid():N}";
        using var pod = new PodHarness("hostile-secret", PodHarness.BusyboxPod("hostile-secret", "echo started; " + PodHarness.Idle,
            extraContainerYaml: $"      env: [{{name: DB_PASSWORD, value: \"{secret}\"}}]"));
        string[] lines = HostilePods.RunUntil(pod, "started");
        Assert.True(lines.Contains("started"), HostilePods.Explain(pod, lines));
        (string What, (int Code, string Output) Run)[] outputs =
        [
            ("podunits status", PodHarness.Run(Podunits, "status", pod.Name)),
            ("podunits status -o json", PodHarness.Run(Podunits, "status", pod.Name, "-o", "json")),
            ($"journalctl -u {pod.Unit} -o verbose", PodHarness.Run("journalctl", "--no-pager", "--all", "-o", "verbose", "-u", pod.Unit)),
            // The host's copy of the plan holds names, not values (the pod's own copy is in its private /run).
            ("the host's plan.json", PodHarness.Run("cat", $"/run/podunits/state/{pod.Name}/plan.json")),
        ];
        foreach ((string what, (int code, string output)) in outputs)
        {
            Assert.True(code == 0, $"{what} failed ({code}):\n{output}");
            Assert.True(!output.Contains(secret, StringComparison.Ordinal), $"{what} shows the environment value {secret}:\n{output}");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);
}

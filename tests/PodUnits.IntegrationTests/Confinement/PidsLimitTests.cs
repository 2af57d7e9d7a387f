using System.Globalization;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// podunits.yaml's pidsLimit is every container scope's TasksMax=: a container that forks
/// without end (a fork bomb, kept small here) stops at its own limit, not at the host's
/// threads-max. The default, podman's 2048, is checked on a pod of PodLifecycleTests. In the
/// host-wide collection: the setting applies to every pod started meanwhile.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class PidsLimitTests
{
    [Fact]
    public void AContainerCannotForkPastItsPidsLimit() => HostWideSettings.With("pidsLimit: 16\n", () =>
    {
        // The idle sleep first; then a subshell forks 40 sleeps (busybox sh gives up at the
        // first fork that fails, hence the subshell); the count of the container's PID
        // namespace's processes uses no fork.
        using var pod = new Runtime.PodHarness("cf-pids", Runtime.PodHarness.BusyboxPod("cf-pids",
            "trap 'exit 0' TERM; sleep 1000 & idle=$!; (for i in $(seq 1 40); do sleep 1000 & done) 2>/dev/null; "
            + "n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo procs=$n; wait $idle"));
        pod.Start();
        string[] lines = [];
        Assert.True(Runtime.PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Any(l => l.StartsWith("procs=", StringComparison.Ordinal))),
            pod.UnitJournalText());
        int procs = int.Parse(lines.First(l => l.StartsWith("procs=", StringComparison.Ordinal))[6..], CultureInfo.InvariantCulture);
        Assert.InRange(procs, 2, 16);
        Assert.Equal("16", pod.Show("TasksMax", "podunits-cf\\x2dpids-main.scope"));
    });
}

using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>`podunits status` of a pod that has ended says how its containers ended, as
/// kubectl describe does of a terminated pod.</summary>
public sealed class StoppedPodStatusTests
{
    [Fact]
    public void AFailedPodShowsEachContainersExitCodeAndReason()
    {
        using var pod = new PodHarness("st-ended", PodHarness.BusyboxPod("st-ended", "echo working; sleep 1; exit 3",
            extraSpecYaml: "  initContainers:\n  - {name: prepare, image: busybox, command: [\"true\"]}"));
        pod.Systemctl("start", "--no-block", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", 30), PodHarness.StatusText("st-ended"));

        string status = PodHarness.StatusText("st-ended");
        Assert.Contains("Container main: inactive", status, StringComparison.Ordinal);
        Assert.Contains("exited, not ready, 0 restarts, last exit 3 (Error)", status, StringComparison.Ordinal);
        Assert.Contains("last exit 0 (Completed)", status, StringComparison.Ordinal); // the init container

        var json = PodHarness.ContainerHealth("st-ended", "main");
        Assert.Equal(3, (int?)json?["lastExitCode"]);
        Assert.Equal("Error", (string?)json?["lastExitReason"]);
    }

    /// <summary>A container stopped in its back-off will not restart: its last status is how
    /// its last run ended, not "restarting at" a time that never comes.</summary>
    [Fact]
    public void AContainerStoppedInItsBackOffShowsItsLastExit()
    {
        using var pod = new PodHarness("st-backoff", PodHarness.BusyboxPod("st-backoff", "echo run; sleep 1; exit 1", restartPolicy: "OnFailure"));
        pod.Systemctl("start", "--no-block", pod.Unit); // a crash loop never becomes ready
        Assert.True(PodHarness.WaitFor(() => (string?)PodHarness.ContainerHealth("st-backoff", "main")?["state"] == "restarting", 30),
            PodHarness.StatusText("st-backoff"));
        pod.Systemctl("stop", pod.Unit);

        string status = PodHarness.StatusText("st-backoff");
        Assert.DoesNotContain("restarting at", status, StringComparison.Ordinal);
        Assert.Contains("exited, not ready, ", status, StringComparison.Ordinal);
        Assert.Contains("last exit 1 (Error)", status, StringComparison.Ordinal);

        var json = PodHarness.ContainerHealth("st-backoff", "main");
        Assert.Equal("exited", (string?)json?["state"]);
        Assert.Null((string?)json?["restartAt"]);
        Assert.Equal(1, (int?)json?["lastExitCode"]);
    }
}

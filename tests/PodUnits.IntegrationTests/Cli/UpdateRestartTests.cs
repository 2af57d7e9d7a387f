using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>`podunits update` lasts until the pod restarts, not until a container does.</summary>
public sealed class UpdateRestartTests
{
    [Fact]
    public void AnUpdatedLimitOutlivesTheContainersRestart()
    {
        using var pod = new PodHarness("cli-update", PodHarness.BusyboxPod("cli-update", PodHarness.Idle,
            extraContainerYaml: "      resources: {limits: {memory: 64Mi}}", restartPolicy: "Always"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        var update = PodHarness.Run("podunits", "update", "cli-update", "-c", "main", "--memory", "96Mi");
        Assert.True(update.Code == 0, update.Output);
        const string scope = "podunits-cli\\x2dupdate-main.scope";
        string updated = (96L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(updated, pod.Show("MemoryMax", scope));

        // The container dies and restarts (at once, the first time) in a new scope, which
        // systemd makes from nothing: the executor gives it the updated limit again.
        PodHarness.Run("systemctl", "kill", "--signal=SIGKILL", scope);
        Assert.True(PodHarness.WaitFor(() => PodHarness.ContainerHealth("cli-update", "main") is { } h
            && (int?)h["restarts"] == 1 && (string?)h["state"] == "running", 30), PodHarness.StatusText("cli-update"));
        Assert.Equal("active", pod.Show("ActiveState", scope));
        Assert.Equal(updated, pod.Show("MemoryMax", scope));

        // A new start of the pod has its definition's limits.
        Assert.True(pod.Systemctl("restart", pod.Unit).Code == 0);
        Assert.Equal((64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Show("MemoryMax", scope));
    }

    [Fact]
    public void AContainerCannotBeGivenMoreThanItsPodsLimit()
    {
        using var pod = new PodHarness("cli-podlimit", PodHarness.BusyboxPod("cli-podlimit", PodHarness.Idle,
            extraSpecYaml: "  resources: {limits: {memory: 128Mi, cpu: 500m}}"));
        Assert.True(pod.Systemctl("start", pod.Unit).Code == 0);
        const string scope = "podunits-cli\\x2dpodlimit-main.scope";
        string before = pod.Show("MemoryMax", scope);
        foreach (string[] args in new[] { new[] { "--memory", "256Mi" }, ["--memory", "max"], ["--cpu", "1"] })
        {
            var update = PodHarness.Run("podunits", ["update", "cli-podlimit", "-c", "main", .. args]);
            Assert.Equal(2, update.Code);
            Assert.Contains("a pod's limit must be at least each container's", update.Output, StringComparison.Ordinal);
        }
        Assert.Equal(before, pod.Show("MemoryMax", scope));
        var within = PodHarness.Run("podunits", "update", "cli-podlimit", "-c", "main", "--memory", "64Mi", "--cpu", "250m");
        Assert.True(within.Code == 0, within.Output);
        Assert.Equal((64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Show("MemoryMax", scope));
    }
}

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>Bad input fails with one line and exit code 2, and leaves nothing started.</summary>
public sealed class PodBadInputTests
{
    [Fact]
    public void MissingDefinitionIsOneLineAndExitCode2()
    {
        var run = PodHarness.Run("/usr/bin/podunits", "run", "rt-no-such-pod");
        Assert.Equal(2, run.Code);
        Assert.Equal("podunits: pod rt-no-such-pod: no definition rt-no-such-pod.yaml in /etc/podunits/pods, /run/podunits/pods, /usr/lib/podunits/pods\n", run.Output);
    }

    [Fact]
    public void UnknownImageFailsTheUnitWithTheReasonInItsJournal()
    {
        using var pod = new PodHarness("rt-badimage", PodHarness.BusyboxPod("rt-badimage", "true")
            .Replace("image: busybox", "image: dir:/no/such/rootfs", StringComparison.Ordinal));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.NotEqual(0, start.Code);
        Assert.Equal("failed", pod.Show("ActiveState"));
        Assert.Contains(pod.Journal("-u", pod.Unit), l => l.Contains("image dir:/no/such/rootfs: not a root filesystem directory", StringComparison.Ordinal));
        Assert.Equal("2", pod.Show("ExecMainStatus"));
        Assert.DoesNotContain("rt-badimage", PodHarness.Run("machinectl", "list", "--no-legend").Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/run/podunits/state/rt-badimage"));
    }

    [Fact]
    public void FailingInitContainerFailsThePodBeforeTheContainersStart()
    {
        using var pod = new PodHarness("rt-initfail", PodHarness.BusyboxPod("rt-initfail", "echo must-not-run",
            extraSpecYaml: "  initContainers:\n    - name: setup\n      image: busybox\n      command: [\"sh\", \"-c\", \"echo init-ran; exit 3\"]"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        Assert.Equal("3", pod.Show("ExecMainStatus"));
        string[] lines = pod.Journal("-u", pod.Unit);
        Assert.Contains("init-ran", lines);
        Assert.DoesNotContain("must-not-run", lines);
    }
}

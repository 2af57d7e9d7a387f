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
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Any(l => l.Contains("image dir:/no/such/rootfs: not a root filesystem directory", StringComparison.Ordinal))),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        // Stage 0's error is a structured entry (PodUnits.Logging), not a line of the stream:
        // priority err, where it was reported, the exception's type.
        // It names its unit (OBJECT_SYSTEMD_UNIT): stage 0 exits at once, and journald may read
        // the datagram only after the sender's cgroup, which it maps to a unit, is gone.
        string[] entry = [];
        Assert.True(PodHarness.WaitFor(() => (entry = pod.Journal("OBJECT_SYSTEMD_UNIT=" + pod.Unit, "_TRANSPORT=journal", "PRIORITY=3",
            "SYSLOG_IDENTIFIER=podunits", "CODE_FILE=src/PodUnits.Cli/ErrorOutput.cs", "EXCEPTION_TYPE=PodUnits.Core.Errors.BadInputException")).Length > 0),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Contains("image dir:/no/such/rootfs: not a root filesystem directory", Assert.Single(entry), StringComparison.Ordinal);
        Assert.Equal("2", pod.Show("ExecMainStatus"));
        Assert.False(PodHarness.MachineRegistered("rt-badimage"), "machine left registered");
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

    [Fact]
    public void SecondExecutorForARunningPodIsRefused()
    {
        using var pod = new PodHarness("rt-busy", PodHarness.BusyboxPod("rt-busy", PodHarness.Idle));
        pod.Start();
        var second = PodHarness.Run("/usr/bin/podunits", "run", "rt-busy");
        Assert.Equal(1, second.Code);
        Assert.StartsWith("podunits: pod rt-busy: is already running (executor PID ", second.Output, StringComparison.Ordinal);
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    [Fact]
    public void HostNetworkPodSharesTheHostsNetworkNamespaceOthersDoNot()
    {
        using var host = new PodHarness("rt-hostnet", PodHarness.BusyboxPod("rt-hostnet", PodHarness.Idle, extraSpecYaml: "  hostNetwork: true"));
        using var own = new PodHarness("rt-ownnet", PodHarness.BusyboxPod("rt-ownnet", PodHarness.Idle));
        Assert.Equal(0, host.Systemctl("start", host.Unit).Code);
        Assert.Equal(0, own.Systemctl("start", own.Unit).Code);
        string NetNs(string machine) =>
            PodHarness.Run("readlink", $"/proc/{PodHarness.Run("machinectl", "show", machine, "-p", "Leader", "--value").Output.Trim()}/ns/net").Output.Trim();
        string mine = PodHarness.Run("readlink", "/proc/self/ns/net").Output.Trim();
        Assert.Equal(mine, NetNs("rt-hostnet"));
        Assert.NotEqual(mine, NetNs("rt-ownnet"));
        // lo is up in the pod's own network namespace.
        string leader = PodHarness.Run("machinectl", "show", "rt-ownnet", "-p", "Leader", "--value").Output.Trim();
        Assert.Contains("UP", PodHarness.Run("nsenter", "-t", leader, "-n", "ip", "-o", "link", "show", "lo").Output, StringComparison.Ordinal);
    }
}

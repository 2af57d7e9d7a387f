using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>Type=notify: `systemctl start` returns only when readiness probes pass.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public void StartWaitsForExecProbe()
    {
        using var pod = new PodHarness("rt-ready-exec", PodHarness.BusyboxPod("rt-ready-exec",
            "sleep 2; touch /tmp/ready; exec sleep 1001",
            extraContainerYaml: "      readinessProbe:\n        periodSeconds: 1\n        exec:\n          command: [\"cat\", \"/tmp/ready\"]"));
        var clock = Stopwatch.StartNew();
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(clock.Elapsed.TotalSeconds >= 1.9, $"READY came after {clock.Elapsed.TotalSeconds:F1} s, before the probe could pass");
        // A scope has no main PID; the container is the only "sleep 1001".
        string pid = PodHarness.Run("pgrep", "-n", "-x", "-f", "sleep 1001").Output.Trim();
        Assert.Equal(0, PodHarness.Run("nsenter", "-t", pid, "-m", "-r", "test", "-e", "/tmp/ready").Code);
    }

    /// <summary>The container listens only once the test says so: the start must still wait
    /// then, whatever the time it took to get there (a 2 s sleep before the listener could
    /// not tell a start that waited from a slow one; test review of 2026-12-06, finding 8).</summary>
    [Fact]
    public void StartWaitsForTcpProbeInsideThePodNetwork()
    {
        using var pod = new PodHarness("rt-ready-tcp", PodHarness.BusyboxPod("rt-ready-tcp",
            "until [ -e /tmp/go ]; do sleep 0.2; done; while true; do nc -l -p 8080 </dev/null; done",
            extraContainerYaml: "      readinessProbe:\n        periodSeconds: 1\n        tcpSocket:\n          port: 8080"));
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("not ready: main", StringComparison.Ordinal)), pod.Show("StatusText"));
        Assert.Equal("activating", pod.Show("ActiveState"));
        var go = PodHarness.Run("podunits", "enter", "rt-ready-tcp", "--", "touch", "/tmp/go");
        Assert.True(go.Code == 0, go.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active"), pod.Show("ActiveState"));
    }

    [Fact]
    public void ACrashLoopingContainerKeepsTheStartWaiting()
    {
        // Exits before its readiness probe can pass, and restarts (Always): not ended for
        // good, so never ready, as a Kubernetes pod stays NotReady.
        using var pod = new PodHarness("rt-ready-loop", PodHarness.BusyboxPod("rt-ready-loop", "echo run; sleep 1; exit 1",
            extraContainerYaml: "      readinessProbe:\n        periodSeconds: 1\n        exec:\n          command: [\"test\", \"-e\", \"/tmp/never\"]",
            restartPolicy: "Always")) { KillOnDispose = true };
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        const string exit = "container main exited with status 1";
        Assert.True(PodHarness.WaitFor(() => pod.UnitJournalText().Split(exit).Length > 2, seconds: 40), pod.UnitJournalText());
        Assert.Equal("activating", pod.Show("ActiveState"));
        Assert.DoesNotContain("started: 1 container running", pod.UnitJournalText(), StringComparison.Ordinal);
    }

    /// <summary>A start that times out waiting for readiness leaves a status that says what
    /// it waited for, and `podunits status` says it was the start's timeout (tour H #5). A
    /// passing liveness probe at the same period beside it is not what it waited for (health
    /// review of 2026-12-07, finding 2: it was named whenever it reported last).</summary>
    [Fact]
    public void AStartThatTimesOutSaysWhatItWaitedFor()
    {
        const string name = "rt-ready-timeout";
        string dropIn = $"/run/systemd/system/pod@{name}.service.d";
        Directory.CreateDirectory(dropIn);
        File.WriteAllText($"{dropIn}/timeout.conf", "[Service]\nTimeoutStartSec=4s\n");
        try
        {
            using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle,
                extraContainerYaml: "      readinessProbe:\n        periodSeconds: 1\n        exec:\n          command: [\"sh\", \"-c\", \"echo not-yet; exit 1\"]\n"
                    + "      livenessProbe:\n        periodSeconds: 1\n        exec:\n          command: [\"sh\", \"-c\", \"sleep 0.1\"]"));
            Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
            Assert.Equal("timeout", pod.Show("Result"));
            const string waited = "stopping before it was ready, waiting for main: readiness probe failed: command exited with 1";
            Assert.StartsWith(waited, pod.Show("StatusText"), StringComparison.Ordinal);
            Assert.True(pod.UnitJournalHas(l => l.Contains(waited, StringComparison.Ordinal)), pod.UnitJournalText());
            string status = PodHarness.StatusText(name);
            Assert.Contains("it was not ready within its start timeout (TimeoutStartSec=)", status, StringComparison.Ordinal);
            Assert.Contains($"Status: \"{waited}", status, StringComparison.Ordinal);
            Assert.DoesNotContain("liveness probe succeeded", pod.UnitJournalText(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dropIn, recursive: true);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}

/// <summary>resources.limits.memory is a real cgroup limit.</summary>
public sealed class MemoryLimitTests
{
    [Fact]
    public void ContainerOverItsMemoryLimitIsKilledAndReported()
    {
        using var pod = new PodHarness("rt-oom", PodHarness.BusyboxPod("rt-oom", "echo eating; exec tail /dev/zero",
            extraContainerYaml: "      resources:\n        limits:\n          memory: 24Mi"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", seconds: 60), pod.Show("ActiveState"));
        Assert.Equal("137", pod.Show("ExecMainStatus"));
        // journald may file the line a moment after the unit has failed: waited for, not read once.
        Assert.True(pod.UnitJournalHas(l => l.Contains("container main exited with signal 9 (SIGKILL: OOMKilled at its memory limit of 24.0M)", StringComparison.Ordinal)),
            pod.UnitJournalText());
    }
}

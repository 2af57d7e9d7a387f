namespace PodUnits.IntegrationTests.Runtime;

/// <summary>OOMKilled is what the kernel counted, not any SIGKILL of a container with a
/// memory limit. The hog's allocation is bounded (64 MiB): harmless should the limit not hold.</summary>
public sealed class OomKilledTests
{
    [Fact]
    public void AnOomKillIsOomKilledAndSomeonesKill9IsAnError()
    {
        using var pod = new PodHarness("oom-test", """
            apiVersion: v1
            kind: Pod
            metadata: {name: oom-test}
            spec:
              terminationGracePeriodSeconds: 5
              restartPolicy: Never
              containers:
                - name: hog
                  image: busybox
                  command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]
                  resources: {limits: {memory: 16Mi}}
                - name: victim
                  image: busybox
                  command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
                  resources: {limits: {memory: 16Mi}}
            """) { KillOnDispose = true };
        pod.Systemctl("start", "--no-block", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => (string?)PodHarness.ContainerHealth("oom-test", "hog")?["lastExitReason"] is not null, 30),
            PodHarness.StatusText("oom-test"));
        Assert.Equal("OOMKilled", (string?)PodHarness.ContainerHealth("oom-test", "hog")?["lastExitReason"]);
        Assert.Equal(137, (int?)PodHarness.ContainerHealth("oom-test", "hog")?["lastExitCode"]);

        // The same signal from someone else, after the hog's OOM kill: an Error.
        Assert.True(PodHarness.WaitFor(() => (string?)PodHarness.ContainerHealth("oom-test", "victim")?["state"] == "running"));
        PodHarness.Run("systemctl", "kill", "--signal=SIGKILL", "podunits-oom\\x2dtest-victim.scope");
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") is "failed" or "inactive", 30), PodHarness.StatusText("oom-test"));
        Assert.Equal("Error", (string?)PodHarness.ContainerHealth("oom-test", "victim")?["lastExitReason"]);
        Assert.Equal(137, (int?)PodHarness.ContainerHealth("oom-test", "victim")?["lastExitCode"]);
    }

    /// <summary>systemd 252 stops a scope by itself when the kernel OOM-kills a process in it.
    /// With the executor as the scopes' controller that came as a RequestStop, taken as a stop
    /// of the whole pod, for good (review of the merged systemd change, 2026-12-07, finding 1).
    /// Here the hog's shell outlives its dd: the pod must go on, its other container untouched.</summary>
    [Fact]
    public void AnOomKillInOneContainerDoesNotStopThePod()
    {
        using var pod = new PodHarness("oom-goon", """
            apiVersion: v1
            kind: Pod
            metadata: {name: oom-goon}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: hog
                  image: busybox
                  command: ["sh", "-c", "trap 'echo term; exit 0' TERM; dd if=/dev/zero of=/dev/null bs=64M count=1; echo survived; sleep 1000 & wait"]
                  resources: {limits: {memory: 16Mi}}
                - name: main
                  image: busybox
                  command: ["sh", "-c", "echo main up; trap 'exit 0' TERM; sleep 1000 & wait"]
            """) { KillOnDispose = true };
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("main up")), pod.UnitJournalText());
        int mainPid = pod.MainPid;
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=hog").Any(l => l is "survived" or "term"), 30), pod.UnitJournalText());
        Thread.Sleep(3000); // the RequestStop, when systemd sends one, comes within milliseconds
        Assert.True(pod.Show("ActiveState") == "active", pod.UnitJournalText());
        Assert.Equal(mainPid, pod.MainPid);
        Assert.DoesNotContain(pod.Journal("-u", pod.Unit), l => l.Contains("so the whole pod stops", StringComparison.Ordinal));
        Assert.Single(pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main"), l => l == "main up");
    }
}

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
}

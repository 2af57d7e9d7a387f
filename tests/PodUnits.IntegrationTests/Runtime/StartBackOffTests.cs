using PodUnits.IntegrationTests.Images;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// systemd's restarts (Restart=) of a pod that cannot start yet, here because its registry
/// cannot be reached, wait as the kubelet's ImagePullBackOff does: 10 s, then 20 s ...
/// Before, they came five in half a second and then the start limit failed the pod for good.
/// A start asked for by hand is at once, a stop ends the wait, and the start that follows a
/// wait reads the definition as it is then.
/// </summary>
public sealed class StartBackOffTests
{
    private const string Name = "rt-backoff";
    private const string CountFile = $"/run/podunits/state/{Name}.starts";

    private static string Pod(string image) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{Name}}
        spec:
          terminationGracePeriodSeconds: 2
          restartPolicy: Always
          containers:
            - name: main
              image: {{image}}
              imagePullPolicy: IfNotPresent
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
        """;

    [Fact]
    public void RestartsOfAPodThatCannotStartBackOffAndAStartByHandDoesNot()
    {
        string nowhere = $"127.0.0.1:{RegistryFixture.FreePort()}/test/later:1";
        using var pod = new PodHarness(Name, Pod(nowhere));
        string Why() => $"StatusText: {pod.Show("StatusText")}, {pod.Show("ActiveState")}, NRestarts {pod.Show("NRestarts")}\n{pod.UnitJournalText()}";

        // The first start fails at once, with its reason ...
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.True(pod.UnitJournalHas(l => l.Contains($"image {nowhere}: cannot reach registry", StringComparison.Ordinal)), Why());
        // ... and systemd's restart waits 10 s, saying so, rather than failing four more times.
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 10 s", StringComparison.Ordinal), 20), Why());
        Assert.True(pod.Show("ActiveState") == "activating" && pod.Show("NRestarts") == "1", Why());
        Assert.Contains("Status: \"back-off: 1 failed start(s), starting again in 10 s\"", PodHarness.StatusText(Name), StringComparison.Ordinal);
        Assert.True(pod.UnitJournalHas(l => l.Contains("its last 1 start(s) failed before it was ready; waiting 10 s", StringComparison.Ordinal)), Why());
        // The next one twice as long.
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 20 s", StringComparison.Ordinal), 30), Why());
        // Said with the unit's journal: CI once saw 4 here, 11 s into the test (not yet understood).
        Assert.True(pod.Show("NRestarts") == "2", Why());

        // A stop ends the wait at once and cleanly, with nothing left.
        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.Equal("inactive", pod.Show("ActiveState"));
        Assert.False(File.Exists(CountFile), Why());

        // A start by hand is at once (it fails the same way), and its restart waits 10 s again.
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 10 s", StringComparison.Ordinal), 20), Why());

        // Fixed meanwhile, the waiting start runs the definition as it is now; READY clears the count.
        using var fixedPod = new PodHarness(Name, Pod("busybox"));
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active", 30), Why());
        Assert.False(File.Exists(CountFile), Why());
    }
}

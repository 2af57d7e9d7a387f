using System.Text.RegularExpressions;
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

    /// <summary>An idle pod that restarts (Always) on <paramref name="image"/>, pulled if not present.</summary>
    internal static string Pod(string image, string name = Name, string extraContainerYaml = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          terminationGracePeriodSeconds: 2
          restartPolicy: Always
          containers:
            - name: main
              image: {{image}}
              imagePullPolicy: IfNotPresent
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
        {{extraContainerYaml}}
        """;

    [Fact]
    public void RestartsOfAPodThatCannotStartBackOffAndAStartByHandDoesNot()
    {
        string nowhere = $"127.0.0.1:{RegistryFixture.FreePort()}/test/later:1";
        using var pod = new PodHarness(Name, Pod(nowhere));
        // The unit's state and journal when a check fails; built only then (it runs processes).
        void Check(bool ok)
        {
            if (!ok) Assert.Fail(Why());
        }
        // How many starts systemd ran, from its "Starting" lines. Its NRestarts cannot say:
        // systemd 252 re-arms a due restart's timer at each daemon-reload while the restart
        // job waits to run, and counts the restart again ("restart counter is at 2", "at 3",
        // "at 4" within a second, seen in CI, where other tests reload).
        int Starts() => pod.Journal("-u", pod.Unit).Count(l => l.StartsWith($"Starting {pod.Unit}", StringComparison.Ordinal));
        void StartsAre(int expected)
        {
            if (!PodHarness.WaitFor(() => Starts() == expected, 10)) Assert.Fail($"{Starts()} starts, not {expected}: {Why()}");
        }
        string Why() => $"StatusText: {pod.Show("StatusText")}, {pod.Show("ActiveState")}, NRestarts {pod.Show("NRestarts")}\n{pod.UnitJournalText()}";

        // The first start fails at once, with its reason ...
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Check(pod.UnitJournalHas(l => l.Contains($"image {nowhere}: cannot reach registry", StringComparison.Ordinal)));
        // ... and systemd's restart waits 10 s, saying so, rather than failing four more times.
        Check(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 10 s", StringComparison.Ordinal), 20));
        Check(pod.Show("ActiveState") == "activating");
        StartsAre(2);
        // Both say why the last start failed: systemctl status shows this invocation only.
        string because = $"image {nowhere}: cannot reach registry";
        string status = PodHarness.StatusText(Name);
        Check(Regex.IsMatch(status, $"Status: \"back-off: 1 failed start \\([^\n]*{Regex.Escape(because)}[^\n]*\\), starting again in 10 s\""));
        Check(pod.UnitJournalHas(l => l.Contains("its last start failed before it was ready (", StringComparison.Ordinal)
            && l.Contains(because, StringComparison.Ordinal) && l.Contains("); waiting 10 s", StringComparison.Ordinal)));
        // The next one twice as long.
        Check(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 20 s", StringComparison.Ordinal), 30));
        // Two of systemd's restarts ran by then, no more.
        StartsAre(3);

        // A stop ends the wait at once and cleanly, with nothing left.
        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.Equal("inactive", pod.Show("ActiveState"));
        Check(!File.Exists(CountFile));

        // A start by hand is at once (it fails the same way), and its restart waits 10 s again.
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Check(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in 10 s", StringComparison.Ordinal), 20));

        // Fixed meanwhile, the waiting start runs the definition as it is now; READY clears the count.
        using var fixedPod = new PodHarness(Name, Pod("busybox"));
        Check(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active", 30));
        Check(!File.Exists(CountFile));
    }

    /// <summary>Lifecycle review of 2026-12-07, finding 2: `podunits stop` during a restart's
    /// back-off stopped the unit but left what the killed run before it held (the CNI lease,
    /// veth and DNAT rules, the namespace pin) until gc: only the next start's executor
    /// releases it, and the stop ended that start first.</summary>
    [Fact]
    public void AStopDuringTheBackOffReleasesWhatTheKilledRunLeft()
    {
        const string name = "rt-backoff-left";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo up; " + PodHarness.Idle,
            """
                  startupProbe: {exec: {command: ["false"]}, periodSeconds: 1, failureThreshold: 600}
            """, restartPolicy: "Always"));
        pod.Systemctl("start", "--no-block", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => File.Exists($"/run/podunits/netns/{name}") && pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("up")),
            pod.UnitJournalText());
        // Killed before READY: the next start is counted a failed one's and backs off.
        var kill = PodHarness.Run("systemctl", "kill", "--kill-whom=main", "--signal=SIGKILL", pod.Unit);
        Assert.True(kill.Code == 0, kill.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("StatusText").Contains("starting again in", StringComparison.Ordinal), 30),
            pod.Show("StatusText") + pod.UnitJournalText());
        Assert.True(File.Exists($"/run/podunits/netns/{name}"), "the killed run left no attachment to release");

        var stop = PodHarness.Run("podunits", "stop", name);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.Contains($"pod {name} stopped; released what an earlier run's killed executor left", stop.Output, StringComparison.Ordinal);
        Assert.False(File.Exists($"/run/podunits/netns/{name}"));
        Assert.DoesNotContain("Left behind", PodHarness.StatusText(name), StringComparison.Ordinal);
    }
}

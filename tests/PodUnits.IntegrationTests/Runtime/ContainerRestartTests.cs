using System.Globalization;
using System.Text.Json.Nodes;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>restartPolicy per container, as Kubernetes applies it: a crashing container
/// restarts inside the running pod with the kubelet's back-off, while the unit stays active
/// and the other containers keep running.</summary>
public sealed class ContainerRestartTests
{
    private const string RestartingId = "d4ee6ad7c7a241239ed04caca020c514";

    [Fact]
    public void ACrashingContainerBacksOffTenTwentyFortySecondsWhileItsNeighbourKeepsRunning()
    {
        const string name = "rt-crashloop"; // not StartBackOffTests' "rt-backoff": the two classes run at once
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 2
              restartPolicy: Always
              volumes:
                - name: shared
                  emptyDir: {}
              containers:
                - name: steady
                  image: busybox
                  command: ["sleep", "{{PodHarness.NeighbourSeconds(name)}}"]
                - name: crash
                  image: busybox
                  command: ["sh", "-c", "date +%s >> /shared/starts; test -e /marker && echo layer-kept; touch /marker; exit 3"]
                  volumeMounts:
                    - name: shared
                      mountPath: /shared
            """);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        string steadyProcs = pod.NeighbourPid();
        Assert.NotEmpty(steadyProcs);

        string starts = $"/var/lib/podunits/pods/{name}/volumes/shared/starts";
        bool sawBackOffStatus = false;
        Assert.True(PodHarness.WaitFor(() =>
        {
            sawBackOffStatus |= pod.Show("StatusText").Contains("crash restarting at ", StringComparison.Ordinal);
            return File.Exists(starts) && File.ReadAllLines(starts).Length >= 5;
        }, seconds: 120), $"starts: {(File.Exists(starts) ? File.ReadAllText(starts) : "none")}; status: {pod.Show("StatusText")}");

        long[] times = [.. File.ReadAllLines(starts).Take(5).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
        long[] gaps = [.. times.Zip(times.Skip(1), (a, b) => b - a)];
        // date +%s has whole seconds: each gap may read one second short. A restart may
        // start late on a loaded CI machine (one run saw 50 s for the 40 s back-off), never
        // early: the lower bounds are exact, the upper ones only catch a wrong schedule.
        string all = string.Join(", ", gaps);
        Assert.True(gaps[0] <= 5, $"the first restart is immediate: gaps {all}");
        Assert.True(gaps[1] is >= 9 and < 20, $"10 s back-off: gaps {all}");
        Assert.True(gaps[2] is >= 19 and < 40, $"20 s back-off: gaps {all}");
        Assert.True(gaps[3] is >= 39 and < 80, $"40 s back-off: gaps {all}");

        Assert.Equal("active", pod.Show("ActiveState"));
        Assert.Equal(steadyProcs, pod.NeighbourPid()); // its process never moved
        Assert.True(sawBackOffStatus, "STATUS= never said the container was backing off");

        string[] delays = [.. JournalFields(pod, RestartingId, "RESTART_DELAY_SEC").Take(4)];
        Assert.Equal(["0", "10", "20", "40"], delays);
        Assert.DoesNotContain(pod.Journal("-u", pod.Unit, "CONTAINER_NAME=crash"), l => l.Contains("layer-kept", StringComparison.Ordinal));

        var status = PodHarness.Run("podunits", "status", name, "--output", "json");
        Assert.True(status.Code == 0, status.Output);
        JsonArray containers = JsonNode.Parse(status.Output)!["containers"]!.AsArray();
        JsonNode crash = containers.Single(c => (string?)c!["name"] == "crash")!["health"]!;
        JsonNode steady = containers.Single(c => (string?)c!["name"] == "steady")!["health"]!;
        Assert.True((int)crash["restarts"]! >= 4, crash.ToJsonString());
        Assert.Equal(3, (int?)crash["lastExitCode"]);
        Assert.Equal("Error", (string?)crash["lastExitReason"]);
        Assert.Equal(0, (int)steady["restarts"]!);
        Assert.True((bool)steady["ready"]!);
    }

    [Fact]
    public void OnFailureRestartsAFailureButASuccessEndsThePodCleanly()
    {
        const string name = "rt-onfailure";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "n=$(cat /shared/n 2>/dev/null || echo 0); echo $((n+1)) > /shared/n; echo run $n; test $n -ge 1",
            extraContainerYaml: "      volumeMounts:\n        - name: shared\n          mountPath: /shared",
            extraSpecYaml: "  volumes:\n    - name: shared\n      emptyDir: {}",
            restartPolicy: "OnFailure"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive", seconds: 30), pod.Show("ActiveState"));
        Assert.Equal("0", pod.Show("ExecMainStatus")); // the pod's status is its containers' last
        string[] lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main");
        Assert.Contains("run 0", lines);
        Assert.Contains("run 1", lines);
    }

    [Fact]
    public void NeverLeavesAFailedContainerDownAndThePodFailsWithItsStatus()
    {
        const string name = "rt-never";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo once; exit 4"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", seconds: 30), pod.Show("ActiveState"));
        Assert.Equal("4", pod.Show("ExecMainStatus"));
        Assert.Single(pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main"), "once");
        Assert.Empty(JournalFields(pod, RestartingId, "RESTART_DELAY_SEC"));
    }


    /// <summary>A field of the unit's entries with MESSAGE_ID <paramref name="messageId"/>, in order.</summary>
    internal static IEnumerable<string> JournalFields(PodHarness pod, string messageId, string field) =>
        PodHarness.Run("journalctl", "--no-pager", "-o", "json", "-u", pod.Unit, $"MESSAGE_ID={messageId}").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => (string?)JsonNode.Parse(l)![field])
            .OfType<string>();
}

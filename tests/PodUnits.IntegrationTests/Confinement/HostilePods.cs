using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>Runs a hostile pod until its container says it is done (or the pod ended) and
/// reads what it printed from the journal.</summary>
internal static class HostilePods
{
    /// <summary>A pod definition that runs once (restartPolicy Never, a short grace period);
    /// <paramref name="spec"/> is the rest of its spec, indented by two spaces.</summary>
    public static string Pod(string name, string spec) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 3

        """ + spec;

    /// <summary>Starts the pod; returns the lines container <paramref name="container"/> printed
    /// once one starts with <paramref name="marker"/>, or all it printed when the pod ended without.</summary>
    public static string[] RunUntil(PodHarness pod, string marker, string container = "main")
    {
        var start = pod.Systemctl("start", pod.Unit);
        if (start.Code != 0)
        {
            return [$"systemctl start {pod.Unit} failed: {start.Output}"];
        }
        string[] lines = [];
        bool Done() => (lines = pod.Journal("-u", pod.Unit, $"CONTAINER_NAME={container}"))
            .Any(l => l.StartsWith(marker, StringComparison.Ordinal));
        // A pod that failed (container setup refused, the command crashed) ends by itself;
        // its last lines may reach the journal a moment after the unit ended.
        if (!PodHarness.WaitFor(() => Done() || pod.Show("ActiveState") is "failed" or "inactive", 30))
        {
            return lines;
        }
        PodHarness.WaitFor(Done, 2);
        return lines;
    }

    /// <summary>Everything the pod's unit logged, for failure messages.</summary>
    public static string UnitLog(PodHarness pod) => string.Join('\n', pod.Journal("-u", pod.Unit));

    /// <summary>The container's lines and the unit's log, for failure messages.</summary>
    public static string Explain(PodHarness pod, string[] lines) =>
        $"container printed:\n{string.Join('\n', lines)}\n\nunit log:\n{UnitLog(pod)}";
}

using System.Globalization;
using PodUnits.Runtime.Init;

namespace PodUnits.Runtime.State;

/// <summary>
/// How many starts of pod@NAME.service in a row ended before READY, so that systemd's
/// automatic restarts of a pod that cannot start (an image that cannot be pulled yet, a
/// hostPort another pod holds, a network not up) back off as the kubelet's ImagePullBackOff
/// and CrashLoopBackOff do: 10 s, then twice as long each time, up to 5 minutes
/// (<see cref="RestartBackOff"/>'s steps). Without it Restart= retried five times in half a
/// second (RestartSec= 100 ms) and then gave up for good at the start limit, and systemd
/// 252 has no RestartSteps=. Stage 0 counts a start (<see cref="Begin"/>) and waits; the
/// executor's READY clears the count (<see cref="Clear"/>). The count is a file in
/// /run/podunits/state (root's only): a start that is killed is counted too, and a reboot
/// starts afresh. Only systemd's own restarts wait: stage 0 asks for the unit's NRestarts,
/// which systemd flushes when a start is not one of its automatic restarts. A start that
/// fails says why in the same file (<see cref="RecordFailure"/>: the count, then the reason
/// on a line of its own), so that the next start's back-off says it too: systemctl status
/// shows only the current invocation, and the reason was otherwise left in an earlier one.
/// </summary>
public static class FailedStarts
{
    public static string PathFor(string pod) => $"{PodPaths.RuntimeRoot}/{pod}.starts";

    /// <summary>Starts in a row that have not reached READY (the one running now included);
    /// 0 when there is no count or it cannot be read.</summary>
    public static int Count(string pod)
    {
        try
        {
            return int.TryParse(File.ReadAllText(PathFor(pod)).Split('\n')[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Why the last counted start failed, as it said (<see cref="RecordFailure"/>);
    /// null when it did not say (killed, timed out without a word) or there is no count.</summary>
    public static string? LastFailure(string pod)
    {
        try
        {
            string[] lines = File.ReadAllText(PathFor(pod)).Split('\n', 2);
            return lines.Length == 2 && lines[1].Trim() is { Length: > 0 } why ? why : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps <paramref name="why"/> beside the count of the start of pod@NAME.service this
    /// process runs in (read from its cgroup), for the next start's back-off to say. Nothing
    /// outside such a unit, and nothing once the pod was ready (READY cleared the count): a
    /// failure after it is no failed start. Error texts name things, never a Secret's value.
    /// </summary>
    public static void RecordFailure(string why)
    {
        if (Core.Identity.OwnUnit.ServiceName() is not { } unit || Core.Naming.PodUnitNames.PodOfService(unit) is not { } pod
            || !File.Exists(PathFor(pod)))
        {
            return;
        }
        try
        {
            // One line: the reason ends the file, and a STATUS= is one line.
            PodPaths.WritePrivateFile(PathFor(pod), $"{Count(pod).ToString(CultureInfo.InvariantCulture)}\n{why.Split('\n')[0]}\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next back-off says less; the journal has the reason either way.
        }
    }

    /// <summary>The wait before a start that follows <paramref name="failed"/> failed ones:
    /// none for the first, then 10 s, 20 s, 40 s ... up to 5 minutes.</summary>
    public static TimeSpan Delay(int failed) => failed <= 0 ? TimeSpan.Zero : RestartBackOff.Step(failed);

    /// <summary>Counts a start that follows <paramref name="failedBefore"/> failed ones.</summary>
    public static void Begin(string pod, int failedBefore)
    {
        PodPaths.CreateRuntimeRoot();
        PodPaths.WritePrivateFile(PathFor(pod), (failedBefore + 1).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The pod reached READY, or was stopped while it waited: the next start is at once.</summary>
    public static void Clear(string pod)
    {
        try
        {
            File.Delete(PathFor(pod));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next start waits once more than it should; nothing else depends on it.
        }
    }
}

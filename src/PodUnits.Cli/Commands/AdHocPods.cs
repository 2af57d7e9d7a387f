using PodUnits.Runtime.State;
using static Tmds.Linux.LibC;

namespace PodUnits.Cli.Commands;

/// <summary>Pods that pod@NAME.service does not run (an ad-hoc pod of `podunits run -i`, a
/// definition's pod run by hand with `podunits run NAME`): stopping one is signalling its
/// executor, which stops the pod as systemd's SIGTERM would (grace periods, preStop hooks).</summary>
internal static class AdHocPods
{
    /// <summary>How long past the executor's own stop timeout (its scope's TimeoutStopSec, from
    /// the pod's grace period and sidecars) stop waits: by then systemd has killed what was left.</summary>
    private const int StopMarginSeconds = 5;

    /// <summary>When the running plan cannot be read: pod@.service's timeout at the default grace period.</summary>
    private static readonly int FallbackStopSeconds = Core.Timing.ExecutorStop.TimeoutSeconds(30);

    /// <summary>How long stop waits for the executor of <paramref name="running"/> to end: the
    /// pod's own stop timeout, so a long grace period or many sidecars are waited out.</summary>
    internal static int StopWaitSeconds(Runtime.Plan.PodPlan? running) =>
        (running?.StopTimeoutSeconds() ?? FallbackStopSeconds) + StopMarginSeconds;

    /// <summary>Stops <paramref name="pod"/> if it runs and pod@NAME.service does not run it,
    /// and waits until it is down; false when it is not such a pod.</summary>
    public static async Task<bool> TryStopAsync(string pod, CancellationToken cancellationToken)
    {
        if (!PodClaim.IsHeld(pod) || PodState.Pids(pod) is not { } pids
            || Core.Identity.OwnUnit.ServiceName($"/proc/{pids.Executor}/cgroup") == Core.Naming.PodUnitNames.Service(pod))
        {
            return false;
        }
        if (!SignalStop(pids.Executor))
        {
            return false;
        }
        int seconds = StopWaitSeconds(Runtime.Plan.PodPlan.ReadRunning(pod));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (PodClaim.IsHeld(pod))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Core.Errors.PodUnitsException($"pod {pod}", $"still running {seconds} s after SIGTERM to its executor (PID {pids.Executor})");
            }
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }

    /// <summary>SIGTERM, then SIGCONT, as systemd's stop sends them (kill_and_sigcont): the
    /// executor of `run -i` is its shell's foreground job, and one suspended by Ctrl-Z kept the
    /// SIGTERM pending until `fg`, so that stop waited out its whole timeout and failed, the
    /// pod still running (CLI review of 2026-12-07, finding 2). False when there is no such process.</summary>
    internal static bool SignalStop(int executor)
    {
        if (kill(executor, SIGTERM) != 0)
        {
            return false;
        }
        _ = kill(executor, SIGCONT);
        return true;
    }
}

using PodUnits.Runtime.State;
using PodUnits.Systemd.Units;
using static Tmds.Linux.LibC;

namespace PodUnits.Cli.Commands;

/// <summary>Pods that pod@NAME.service does not run (an ad-hoc pod of `podunits run -i`, a
/// definition's pod run by hand with `podunits run NAME`): stopping one is signalling its
/// executor, which stops the pod as systemd's SIGTERM would (grace periods, preStop hooks).
/// A pod that a service of one's own runs is stopped by stopping that service.</summary>
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
    public static async Task<bool> TryStopAsync(SystemdManager systemd, string pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        if (!PodClaim.IsHeld(pod) || PodState.Pids(pod) is not { } pids)
        {
            return false;
        }
        string? service = Core.Identity.OwnUnit.ServiceName($"/proc/{pids.Executor}/cgroup");
        if (service == Core.Naming.PodUnitNames.Service(pod))
        {
            return false;
        }
        // A service of one's own whose ExecStart= is `podunits run NAME` is the pod's unit, as
        // pod@NAME.service is: a SIGTERM to its executor was a crash to systemd, and
        // Restart=always started the pod again (lifecycle review of 2026-12-07, finding 1).
        if (service is not null
            && IsRunBy(service, pod, await systemd.GetUnitStatusAsync(service) is { } status ? status.MainPid : 0, pids.Executor))
        {
            await systemd.StopUnitAsync(service, cancellationToken);
            return true;
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

    /// <summary>Whether <paramref name="service"/>, the service the pod's executor is in, runs
    /// the pod: the executor is its main process (ExecStart=podunits run NAME). Then stop is
    /// the service's stop job, which its Restart= does not undo. An executor that is only one
    /// process of a service (a CI runner's step, a script's child) gets the SIGTERM as before:
    /// stopping that service would stop much more than the pod.</summary>
    internal static bool IsRunBy(string service, string pod, uint mainPid, int executor) =>
        service != Core.Naming.PodUnitNames.Service(pod) && mainPid != 0 && mainPid == (uint)executor;

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

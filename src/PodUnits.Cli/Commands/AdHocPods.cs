using PodUnits.Runtime.State;
using static Tmds.Linux.LibC;

namespace PodUnits.Cli.Commands;

/// <summary>Pods that pod@NAME.service does not run (an ad-hoc pod of `podunits run -i`, a
/// definition's pod run by hand with `podunits run NAME`): stopping one is signalling its
/// executor, which stops the pod as systemd's SIGTERM would (grace periods, preStop hooks).</summary>
internal static class AdHocPods
{
    /// <summary>Longer than any grace period the executor waits out (pod@.service's TimeoutStopSec).</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(50);

    /// <summary>Stops <paramref name="pod"/> if it runs and pod@NAME.service does not run it,
    /// and waits until it is down; false when it is not such a pod.</summary>
    public static async Task<bool> TryStopAsync(string pod, CancellationToken cancellationToken)
    {
        if (!PodClaim.IsHeld(pod) || PodState.Pids(pod) is not { } pids
            || Core.Identity.OwnUnit.ServiceName($"/proc/{pids.Executor}/cgroup") == Core.Naming.PodUnitNames.Service(pod))
        {
            return false;
        }
        if (kill(pids.Executor, SIGTERM) != 0)
        {
            return false;
        }
        var deadline = DateTime.UtcNow + StopTimeout;
        while (PodClaim.IsHeld(pod))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Core.Errors.PodUnitsException($"pod {pod}", $"still running {StopTimeout.TotalSeconds:0} s after SIGTERM to its executor (PID {pids.Executor})");
            }
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }
}

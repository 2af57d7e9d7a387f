using PodUnits.Runtime.State;
using static Tmds.Linux.LibC;

namespace PodUnits.Cli.Commands;

/// <summary>Ad-hoc pods (`podunits run -i`) are no units: stopping one is signalling its executor,
/// which stops the pod as systemd's SIGTERM would (grace periods, preStop hooks).</summary>
internal static class AdHocPods
{
    /// <summary>Longer than any grace period the executor waits out (pod@.service's TimeoutStopSec).</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(50);

    /// <summary>Stops <paramref name="pod"/> if it is a running ad-hoc pod and waits until it is down; false when it is not one.</summary>
    public static async Task<bool> TryStopAsync(string pod, CancellationToken cancellationToken)
    {
        if (!File.Exists(PodState.AdHocDefinitionPath(pod)) || !PodClaim.IsHeld(pod) || PodState.Pids(pod) is not { } pids)
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

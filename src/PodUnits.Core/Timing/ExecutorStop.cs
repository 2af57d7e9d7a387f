namespace PodUnits.Core.Timing;

/// <summary>How long systemd lets an executor stop its pod before it SIGKILLs what is left:
/// the pod's grace period plus what the executor needs after it (stopping the scopes and the
/// slice, unregistering the machine, draining the last lines into the journals). One rule for
/// pod@NAME.service (the generator's TimeoutStopSec=) and an ad-hoc pod's own scope.</summary>
public static class ExecutorStop
{
    public const int MarginSeconds = 15;

    /// <summary>What each sidecar may add after the grace period: they stop one by one once
    /// the other containers have ended, each with at least the kubelet's 2 s between SIGTERM
    /// and SIGKILL, plus 2 s more when its preStop hook overran.</summary>
    public const int SidecarTurnSeconds = 4;

    public static int TimeoutSeconds(long gracePeriodSeconds, int sidecars = 0) =>
        (int)Math.Min(int.MaxValue / 2, Math.Max(0, gracePeriodSeconds)) + MarginSeconds + (SidecarTurnSeconds * Math.Clamp(sidecars, 0, 1024));
}

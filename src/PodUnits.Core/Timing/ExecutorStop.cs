namespace PodUnits.Core.Timing;

/// <summary>How long systemd lets an executor stop its pod before it SIGKILLs what is left:
/// the pod's grace period plus what the executor needs after it (stopping the scopes and the
/// slice, unregistering the machine, draining the last lines into the journals). One rule for
/// pod@NAME.service (the generator's TimeoutStopSec=) and an ad-hoc pod's own scope.</summary>
public static class ExecutorStop
{
    public const int MarginSeconds = 15;

    public static int TimeoutSeconds(long gracePeriodSeconds) =>
        (int)Math.Min(int.MaxValue - MarginSeconds, Math.Max(0, gracePeriodSeconds)) + MarginSeconds;
}

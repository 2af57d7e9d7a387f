using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Executor;

/// <summary>What the executor's supervision loop (PodExecutor.Supervise.cs) reacts to, one at
/// a time, in order: the pod init's messages and the executor's own events.</summary>
internal abstract record SupervisionEvent
{
    /// <summary>A message the pod init sent.</summary>
    public sealed record FromPodInit(PodControlMessage Message) : SupervisionEvent;

    /// <summary>A started container's process is in its scope (<paramref name="Failure"/> null)
    /// or cannot be (PodExecutor.PlaceAsync).</summary>
    public sealed record Placed(string Container, int PodPid, int HostPid, string? Failure) : SupervisionEvent;

    /// <summary>The network is attached and the machine registered (<paramref name="Failure"/>
    /// null), or why not; empty when the pod init is gone and its own reason follows.</summary>
    public sealed record Registered(string? Failure) : SupervisionEvent;

    /// <summary>Every container is ready (PodExecutor.EvaluateReady): READY=1.</summary>
    public sealed record Ready : SupervisionEvent;

    /// <summary>A probe ran (<see cref="Health.Prober"/>); <paramref name="Recorded"/>: what its
    /// outcome did to the probe's result, as it was then.</summary>
    public sealed record Probed(Health.ProbeWorker Worker, Health.ProbeOutcome Outcome, Health.ProbeRecorded Recorded) : SupervisionEvent;

    /// <summary>A lifecycle hook of run <paramref name="PodPid"/> of the container ended.</summary>
    public sealed record Hooked(string Container, int PodPid, bool PostStart, Health.ProbeOutcome Outcome) : SupervisionEvent;

    /// <summary>Every container output stream has ended and is forwarded.</summary>
    public sealed record OutputEnded : SupervisionEvent;

    /// <summary>The notify container sent datagrams to the pod's notify socket, merged into
    /// the pending message the loop takes (PodExecutor.Notify.cs).</summary>
    public sealed record Notified(string Container) : SupervisionEvent;

    /// <summary>A CNI plugin has been adding the pod's network for a while (PodExecutor.AttachNetworkAsync).</summary>
    public sealed record NetworkSlow : SupervisionEvent;

    /// <summary>An emptyDir on disk holds more than its sizeLimit, or could not be measured
    /// (<paramref name="Unmeasurable"/> says why) (EmptyDirLimits).</summary>
    public sealed record Evicted(string Volume, long Bytes, ulong Limit, string? Unmeasurable = null) : SupervisionEvent;
}

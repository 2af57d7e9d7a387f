using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Executor;

/// <summary>What the executor's supervision loop (PodExecutor.Supervise.cs) reacts to, one at
/// a time, in order: the pod init's messages and the executor's own events.</summary>
internal abstract record SupervisionEvent
{
    /// <summary>A message the pod init sent.</summary>
    public sealed record FromPodInit(PodControlMessage Message) : SupervisionEvent;

    /// <summary>Every running container with a readinessProbe has passed it.</summary>
    public sealed record Ready : SupervisionEvent;

    /// <summary>Every container output stream has ended and is forwarded.</summary>
    public sealed record OutputEnded : SupervisionEvent;

    /// <summary>An emptyDir on disk holds more than its sizeLimit (EmptyDirLimits).</summary>
    public sealed record Evicted(string Volume, long Bytes, ulong Limit) : SupervisionEvent;
}

using PodUnits.Definitions;

namespace PodUnits.Planning.Plan;

/// <summary>
/// The size of an emptyDir with medium: Memory, as the kubelet sizes its tmpfs
/// (calculateEmptyDirMemorySize): the smaller of its sizeLimit and the pod's memory limit.
/// Without it the tmpfs got the kernel's default, half the host's RAM, and a crash-looping
/// container under limits.memory: 64Mi left 60 MiB behind in it at every run, charged to
/// scopes already gone, until host memory ran short (volumes review of 2026-12-07, finding 5).
/// </summary>
internal static class MemoryEmptyDirSize
{
    /// <summary>The tmpfs size in bytes, or null (the kernel's default) when neither the
    /// volume nor the pod has a limit.</summary>
    public static ulong? Of(PodDefinition pod, long? sizeLimit)
    {
        ArgumentNullException.ThrowIfNull(pod);
        long? podLimit = PodMemoryLimit(pod);
        long? size = (sizeLimit, podLimit) switch
        {
            (long volume, long limit) => Math.Min(volume, limit),
            (long volume, null) => volume,
            (null, long limit) => limit,
            _ => null,
        };
        return size is long bytes ? (ulong)bytes : null;
    }

    /// <summary>
    /// The pod's memory limit as the kubelet counts it for its cgroup: the pod-level
    /// limits.memory if set; else, only when every container (init containers and sidecars
    /// too) has one, the larger of what runs together at the end (the app containers and
    /// the sidecars) and what runs together while each init container runs (it and the
    /// sidecars started before it). One container without a limit: no limit.
    /// </summary>
    internal static long? PodMemoryLimit(PodDefinition pod)
    {
        if (pod.Limits.MemoryBytes is long podLevel)
        {
            return podLevel;
        }
        if (pod.AllContainers.Any(c => c.Limits.MemoryBytes is null))
        {
            return null;
        }
        long sidecars = 0, initPeak = 0;
        foreach (ContainerDefinition init in pod.InitContainers)
        {
            long limit = init.Limits.MemoryBytes!.Value;
            if (init.Sidecar)
            {
                sidecars += limit;
                initPeak = Math.Max(initPeak, sidecars);
            }
            else
            {
                initPeak = Math.Max(initPeak, sidecars + limit);
            }
        }
        long running = sidecars + pod.Containers.Sum(c => c.Limits.MemoryBytes!.Value);
        return Math.Max(running, initPeak);
    }
}

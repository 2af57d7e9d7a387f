namespace PodUnits.Definitions;

/// <summary>What a pod requests as a whole, as Kubernetes adds it up (resourcehelper
/// PodRequests): the pod-level request when spec.resources has one, else its containers'.</summary>
public static class PodRequests
{
    /// <summary>Kubernetes' AggregateContainerRequests: the app containers' sum, or the largest
    /// init container's if that is more (they run one at a time, before them); a sidecar keeps
    /// running, so its request adds to every init container started after it and to the sum.</summary>
    public static long Aggregate(IReadOnlyList<ContainerDefinition> containers, IReadOnlyList<ContainerDefinition> initContainers,
        Func<ContainerDefinition, long> request)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(initContainers);
        ArgumentNullException.ThrowIfNull(request);
        long sidecars = 0, init = 0;
        foreach (ContainerDefinition c in initContainers)
        {
            sidecars += c.Sidecar ? request(c) : 0;
            init = Math.Max(init, c.Sidecar ? sidecars : sidecars + request(c));
        }
        return Math.Max(containers.Sum(request) + sidecars, init);
    }

    /// <summary>The pod's CPU request in millicores (its own, else its containers' together,
    /// a container without one counting 0, as the kubelet sizes the pod's cgroup); null when
    /// nothing in the pod requests CPU.</summary>
    public static long? CpuMillis(PodDefinition pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Requests.CpuMillis is long own)
        {
            return own;
        }
        long together = Aggregate(pod.Containers, pod.InitContainers, c => c.Requests.CpuMillis ?? 0);
        return together > 0 ? together : null;
    }
}

namespace PodUnits.Definitions;

/// <summary>
/// What the downward API shows that is not in the definition: facts of the host the pod runs
/// on (spec.nodeName, status.hostIP, the allocatable cpu and memory that stand in for a
/// missing limit, as the kubelet uses node allocatable) and the pod's UID. Gathered by the
/// runtime (Runtime/Plan/HostFacts); plain data here so the mapping is pure.
/// </summary>
public sealed record NodeFacts(string NodeName, string HostIP, string PodUid, long CpuMillis, long MemoryBytes, long EphemeralStorageBytes)
{
    /// <summary>Stands for status.podIP and status.podIPs where only the container's start
    /// knows them (a pod with its own network: the CNI plugins assign the address while the
    /// pod is being set up). Private-use characters a definition cannot usefully contain;
    /// container-start replaces them in the environment and argv once the pod's network is up.</summary>
    public const string PodIPToken = "\uE000podIP\uE000";
    public const string PodIPsToken = "\uE000podIPs\uE000";
}

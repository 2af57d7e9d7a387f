using PodUnits.Core.Naming;

namespace PodUnits.Definitions;

/// <summary>
/// What the downward API shows that is not in the definition: facts of the host the pod runs
/// on (spec.nodeName, status.hostIP, the allocatable cpu and memory that stand in for a
/// missing limit, as the kubelet uses node allocatable) and the pod's UID. Gathered by the
/// runtime (Planning/Plan/HostFacts); plain data here so the mapping is pure.
/// </summary>
public sealed record NodeFacts(string NodeName, string HostIP, string PodUid, long CpuMillis, long MemoryBytes, long EphemeralStorageBytes,
    string? HostIPs = null)
{
    /// <summary>status.hostIPs: every family's address, IPv4 first, comma-separated (HostIP alone when not known).</summary>
    public string AllHostIPs => HostIPs ?? HostIP;

    /// <summary>Stands for status.podIP until container-start knows it (<see cref="PodIPPlaceholders"/>).</summary>
    public const string PodIPToken = PodIPPlaceholders.PodIP;
    public const string PodIPsToken = PodIPPlaceholders.PodIPs;
}

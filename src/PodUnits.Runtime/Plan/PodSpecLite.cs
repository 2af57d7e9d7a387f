namespace PodUnits.Runtime.Plan;

// TEMPORARY: the slice of a Kubernetes Pod the runtime reads, until PodUnits.Definitions
// (issue 3) lands with the real typed model and validator; PlanBuilder then reads that.

public sealed record PodSpecLite(
    string Name,
    string? Hostname,
    bool HostNetwork,
    int? TerminationGracePeriodSeconds,
    string? DnsPolicy,
    IReadOnlyList<string> Nameservers,
    IReadOnlyList<string> Searches,
    IReadOnlyList<(string Ip, IReadOnlyList<string> Hostnames)> HostAliases,
    long? RunAsUser,
    long? RunAsGroup,
    IReadOnlyList<VolumeLite> Volumes,
    IReadOnlyList<ContainerLite> InitContainers,
    IReadOnlyList<ContainerLite> Containers);

public sealed record VolumeLite(string Name, string? HostPath, bool EmptyDir, bool Memory, string? SizeLimit);

public sealed record ContainerLite(
    string Name,
    string Image,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Args,
    IReadOnlyList<(string Name, string Value)> Env,
    string? WorkingDir,
    IReadOnlyList<(string Name, string MountPath, bool ReadOnly)> VolumeMounts,
    string? MemoryLimit,
    string? CpuLimit,
    long? RunAsUser,
    long? RunAsGroup,
    bool ReadOnlyRootFilesystem,
    bool Privileged,
    bool? AllowPrivilegeEscalation,
    IReadOnlyList<string> CapAdd,
    IReadOnlyList<string> CapDrop,
    IReadOnlyList<string>? ReadinessExec,
    int? ReadinessTcpPort,
    int? ReadinessPeriodSeconds);

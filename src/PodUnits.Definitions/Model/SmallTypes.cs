namespace PodUnits.Definitions;

// Small value types of the model, kept together because each is a few lines.

public enum RestartPolicy
{
    Always,
    OnFailure,
    Never,
}

public enum ImagePullPolicy
{
    Always,
    IfNotPresent,
    Never,
}

/// <summary>spec.dnsPolicy. PodUnits has no cluster DNS: ClusterFirst, ClusterFirstWithHostNet
/// and Default all mean "the host's resolv.conf"; None means dnsConfig only.</summary>
public enum DnsPolicy
{
    ClusterFirst,
    ClusterFirstWithHostNet,
    Default,
    None,
}

public enum PortProtocol
{
    TCP,
    UDP,
    SCTP,
}

/// <summary>A network named by annotation, with where it was named (for errors found at start).</summary>
public sealed record NetworkChoice(string Name, int Line, int Column);

/// <summary>env[]: a literal <paramref name="Value"/> (with $(VAR) expansion), or a value
/// from <paramref name="From"/> (valueFrom, never expanded, as in Kubernetes).</summary>
public sealed record EnvVar(string Name, string Value, EnvSource? From = null);

/// <summary>A container port; <paramref name="HostPort"/> publishes it on the host (on
/// <paramref name="HostIP"/>, or every address when null) through the pod's CNI network.</summary>
public sealed record ContainerPort(int Number, PortProtocol Protocol, string? Name, int? HostPort = null, string? HostIP = null);

/// <summary>volumeMounts[]; <paramref name="SubPath"/> mounts one entry of the volume;
/// <paramref name="SubPathExpr"/> does the same with $(VAR) references to the container's
/// environment, expanded when the pod is planned.</summary>
public sealed record VolumeMount(string Name, string MountPath, bool ReadOnly, string? SubPath = null, string? SubPathExpr = null)
{
    /// <summary>Why <paramref name="path"/>, a subPathExpr as expanded, cannot be a subPath
    /// (empty, absolute, a ".." element), or null. The loader's rule (Names.ExplainSubPath),
    /// which lets "..data" be a name as the kubelet does: this was the rule of a configMap's
    /// item paths, so "..$(POD_NAME)" passed validate and every start refused it
    /// (definitions review of 2026-12-07, finding 7).</summary>
    public static string? ExplainSubPath(string path) =>
        string.IsNullOrEmpty(path) ? "must not be empty" : Names.ExplainSubPath(path);
}

public sealed record HostAlias(string Ip, IReadOnlyList<string> Hostnames);

public sealed record DnsOption(string Name, string? Value);

public sealed record DnsConfig(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<DnsOption> Options);

/// <summary>resources.limits. CPU is kept in millicores (Kubernetes' unit); the executor
/// turns it into systemd's CPUQuota= (TransientUnitProperties.CpuQuotaFromMillicores).</summary>
public sealed record ResourceLimits(long? MemoryBytes, long? CpuMillis)
{
    public static readonly ResourceLimits None = new(null, null);
}

/// <summary>spec.securityContext (docs/confinement.md, "Users and groups").</summary>
public sealed record PodSecurityContext(long? RunAsUser, long? RunAsGroup, SeccompProfileRef? SeccompProfile = null)
{
    /// <summary>The default of the containers' runAsNonRoot.</summary>
    public bool? RunAsNonRoot { get; init; }

    /// <summary>The group that owns the pod's emptyDir, configuration and claim volumes, and a
    /// supplementary group of every container.</summary>
    public long? FsGroup { get; init; }

    public FsGroupChangePolicy FsGroupChangePolicy { get; init; } = FsGroupChangePolicy.Always;

    /// <summary>More supplementary groups of every container.</summary>
    public IReadOnlyList<long> SupplementalGroups { get; init; } = [];

    public SupplementalGroupsPolicy SupplementalGroupsPolicy { get; init; } = SupplementalGroupsPolicy.Merge;

    /// <summary>The containers' default AppArmor profile.</summary>
    public AppArmorProfileRef? AppArmorProfile { get; init; }

    /// <summary>The containers' default SELinux label parts.</summary>
    public SeLinuxOptions? SeLinuxOptions { get; init; }

    /// <summary>spec.securityContext.sysctls, checked against the safe set and the host's
    /// allowedUnsafeSysctls; the pod init writes them in the pod's namespaces.</summary>
    public IReadOnlyList<Sysctl> Sysctls { get; init; } = [];
}

/// <summary>fsGroupChangePolicy: Always walks the whole volume on every start;
/// OnRootMismatch only when the volume's root does not already have the group and mode.</summary>
public enum FsGroupChangePolicy
{
    Always,
    OnRootMismatch,
}

/// <summary>supplementalGroupsPolicy: Merge adds the groups the image's /etc/group gives the
/// container's user; Strict uses only fsGroup, supplementalGroups and the primary group.</summary>
public enum SupplementalGroupsPolicy
{
    Merge,
    Strict,
}

/// <summary>A pod sysctl: <paramref name="Name"/> in dot form (net.ipv4.ip_local_port_range),
/// <paramref name="Value"/> as written.</summary>
public sealed record Sysctl(string Name, string Value)
{
    /// <summary>Its file below /proc/sys ("net/ipv4/ip_local_port_range").</summary>
    public string ProcPath => SysctlNames.ProcPath(Name);
}

public enum SeccompProfileType
{
    RuntimeDefault,
    Unconfined,
    Localhost,
}

/// <summary>securityContext.seccompProfile; <see cref="Line"/> and <see cref="Column"/> are
/// where the definition names it, for errors found when the pod is planned (a Localhost
/// profile that does not exist).</summary>
public sealed record SeccompProfileRef(SeccompProfileType Type, string? LocalhostProfile, int Line, int Column);

/// <summary>Capabilities are normalized to upper case with the CAP_ prefix ("CAP_NET_ADMIN"),
/// or "ALL".</summary>
public sealed record ContainerSecurityContext(
    long? RunAsUser,
    long? RunAsGroup,
    bool ReadOnlyRootFilesystem,
    bool Privileged,
    bool? AllowPrivilegeEscalation,
    IReadOnlyList<string> CapabilitiesAdd,
    IReadOnlyList<string> CapabilitiesDrop,
    SeccompProfileRef? SeccompProfile = null)
{
    /// <summary>Refuse to start the container when it would run as UID 0 (overrides the pod's).</summary>
    public bool? RunAsNonRoot { get; init; }

    public AppArmorProfileRef? AppArmorProfile { get; init; }

    public SeLinuxOptions? SeLinuxOptions { get; init; }

    /// <summary>procMount: Unmasked: /proc and /sys without the default masked and read-only
    /// paths (only with hostUsers: false).</summary>
    public bool ProcUnmasked { get; init; }
}

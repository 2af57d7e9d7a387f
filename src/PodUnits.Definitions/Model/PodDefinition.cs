namespace PodUnits.Definitions;

/// <summary>A validated pod: the supported subset of a Kubernetes v1 Pod (docs/design.md, "Pod
/// definition format") with Kubernetes' defaults applied. Only built when the file had no
/// errors, so every value here is already checked.</summary>
public sealed record PodDefinition
{
    /// <summary>The pod (and machine) name: a DNS label, equal to the file name.</summary>
    public required string Name { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Empty;
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty;
    public required IReadOnlyList<ContainerDefinition> Containers { get; init; }
    public IReadOnlyList<ContainerDefinition> InitContainers { get; init; } = [];
    public IReadOnlyList<VolumeDefinition> Volumes { get; init; } = [];

    /// <summary>spec.hostname; null means the pod name.</summary>
    public string? Hostname { get; init; }
    public bool HostNetwork { get; init; }
    public DnsPolicy DnsPolicy { get; init; } = DnsPolicy.ClusterFirst;
    public DnsConfig? DnsConfig { get; init; }
    public IReadOnlyList<HostAlias> HostAliases { get; init; } = [];
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Always;
    public long TerminationGracePeriodSeconds { get; init; } = 30;
    public PodSecurityContext? SecurityContext { get; init; }

    /// <summary>Annotation podunits.io/network: the pod's CNI network; null means the default
    /// (and none at all with <see cref="HostNetwork"/>).</summary>
    public NetworkChoice? Network { get; init; }

    /// <summary>Annotation podunits.io/autostart: "true": the generator makes pod@NAME start at boot.</summary>
    public bool Autostart { get; init; }

    /// <summary>The file it was loaded from (as given to the loader).</summary>
    public required string SourcePath { get; init; }

    /// <summary>The hostname inside the pod: spec.hostname, else the pod name.</summary>
    public string EffectiveHostname => Hostname ?? Name;

    /// <summary>Init containers first, then the app containers (names are unique across both).</summary>
    public IEnumerable<ContainerDefinition> AllContainers => InitContainers.Concat(Containers);

    internal static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

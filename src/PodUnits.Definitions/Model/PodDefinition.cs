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

    /// <summary>spec.shareProcessNamespace: true, the containers share the pod's PID
    /// namespace (they see and may signal each other's processes, and the pod init is their
    /// PID 1); false, the default as in Kubernetes, gives each container a PID namespace of its
    /// own, where its command is PID 1.</summary>
    public bool ShareProcessNamespace { get; init; }

    /// <summary>spec.hostUsers as written; null when absent.</summary>
    public bool? HostUsers { get; init; }

    /// <summary>Whether the pod runs in a user namespace of its own (its IDs 0-65535 mapped
    /// onto a range of the host's userNamespacePool): hostUsers: false, or no hostUsers and no
    /// hostNetwork on a host whose podunits.yaml says userNamespaces: auto.</summary>
    public bool UserNamespace { get; init; }
    public DnsPolicy DnsPolicy { get; init; } = DnsPolicy.ClusterFirst;
    public DnsConfig? DnsConfig { get; init; }
    public IReadOnlyList<HostAlias> HostAliases { get; init; } = [];
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Always;
    public long TerminationGracePeriodSeconds { get; init; } = 30;
    public PodSecurityContext? SecurityContext { get; init; }

    /// <summary>spec.resources.limits (Kubernetes' pod-level resources): enforced on the
    /// pod's slice, which holds every container's scope, so the containers share them.</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.None;

    /// <summary>spec.resources.requests, defaulted to the limits as the API server does; not
    /// enforced (a scheduling hint).</summary>
    public ResourceLimits Requests { get; init; } = ResourceLimits.None;

    /// <summary>Annotation podunits.io/network: the pod's CNI network; null means the default
    /// (and none at all with <see cref="HostNetwork"/>).</summary>
    public NetworkChoice? Network { get; init; }

    /// <summary>The host's settings (/etc/podunits/podunits.yaml) the definition was checked
    /// against: a start uses these, read once, for the rest of its decisions too (the user
    /// namespace pool, the task limit), so that all of them agree.</summary>
    public Host.HostSettings HostSettings { get; init; } = Host.HostSettings.Default;

    /// <summary>Annotation podunits.io/dns: "none": no resolv.conf from PodUnits; each container
    /// keeps its image's /etc/resolv.conf (dnsPolicy and dnsConfig then have no effect).</summary>
    public bool ImageResolvConf { get; init; }

    /// <summary>Annotation podunits.io/auto-update: "registry": `podunits auto-update` follows
    /// the tags of the pod's images; the stored image of a tag is then what the pod runs,
    /// whatever its imagePullPolicy (the update decides when a tag moves, and a rollback
    /// must stick).</summary>
    public bool AutoUpdate { get; init; }

    /// <summary>Annotation podunits.io/autostart: "true": the generator makes pod@NAME start at boot.</summary>
    public bool Autostart { get; init; }

    /// <summary>sd_notify and socket activation (annotations podunits.io/notify, listen, listen-container).</summary>
    public PodActivation Activation { get; init; } = PodActivation.None;

    /// <summary>metadata.namespace: ignored by PodUnits except as the downward API's
    /// metadata.namespace ("default" when absent, as the API server defaults it).</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>spec.serviceAccountName as written (PodUnits mounts no token); the downward
    /// API shows it, "default" when absent.</summary>
    public string ServiceAccountName { get; init; } = "default";

    /// <summary>The ConfigMaps and Secrets the pod refers to that exist, by kind and name,
    /// resolved while loading (<see cref="Parsing.ConfigObjectCatalog"/>).</summary>
    public IReadOnlyDictionary<(ConfigObjectKind Kind, string Name), ConfigObject> ConfigObjects { get; init; } = NoObjects;

    /// <summary>The file it was loaded from (as given to the loader).</summary>
    public required string SourcePath { get; init; }

    /// <summary>The hostname inside the pod: spec.hostname, else the pod name.</summary>
    public string EffectiveHostname => Hostname ?? Name;

    /// <summary>Init containers first, then the app containers (names are unique across both).</summary>
    public IEnumerable<ContainerDefinition> AllContainers => InitContainers.Concat(Containers);

    internal static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static readonly IReadOnlyDictionary<(ConfigObjectKind, string), ConfigObject> NoObjects =
        new Dictionary<(ConfigObjectKind, string), ConfigObject>();

    /// <summary>The object <paramref name="kind"/>/<paramref name="name"/>, or null (an
    /// optional reference to something absent).</summary>
    public ConfigObject? FindObject(ConfigObjectKind kind, string name) => ConfigObjects.GetValueOrDefault((kind, name));
}

using PodUnits.Core.Naming;
using PodUnits.Definitions.Host;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>Maps the document root, metadata and spec of a Pod manifest, field by field.</summary>
internal static class PodMapper
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];

    public static PodDefinition? Map(YNode root, ParseContext ctx, string sourcePath, string nameFromFile, LoadOptions options,
        ConfigObjectCatalog catalog, HostSettings settings)
    {
        if (OtherKinds.Refusal(root) is var (at, why))
        {
            ctx.Error(at, why);
            return null; // mapped as a Pod, it would only gather errors about fields a Pod lacks
        }
        Fields? top = ctx.Object(root, "", KubernetesFields.Root);
        if (top is null)
        {
            if (root is YScalar { IsNull: true })
            {
                ctx.Error(root, "the document is empty; expected a Kubernetes Pod manifest");
            }
            return null;
        }
        string? apiVersion = top.RequiredString("apiVersion");
        if (apiVersion is not null && apiVersion != "v1")
        {
            ctx.Error(top.Value("apiVersion")!, $"apiVersion: must be \"v1\" for a Pod, found \"{apiVersion}\"");
        }
        top.RequiredString("kind"); // any kind but Pod is OtherKinds'

        Fields? metadata = top.Value("metadata") is YNode m ? ctx.Object(m, "metadata", KubernetesFields.Metadata) : null;
        string name = MapName(metadata, ctx, nameFromFile, options);
        var labels = metadata?.StringMap("labels") ?? [];
        var annotations = metadata?.StringMap("annotations") ?? [];
        bool autostart = CheckAnnotations(annotations, metadata, ctx);
        NetworkChoice? network = annotations.TryGetValue(KubernetesFields.NetworkAnnotation, out string? net)
            ? CheckNetwork(net, KeyNode(metadata!.Value("annotations")!, KubernetesFields.NetworkAnnotation), ctx)
            : null;

        if (top.Value("spec") is not YNode specNode)
        {
            top.Missing("spec");
            return null;
        }
        Fields? spec = ctx.Object(specNode, "spec", KubernetesFields.PodSpec);
        if (spec is null)
        {
            return null;
        }
        PodDefinition? pod = MapSpec(spec, ctx, name, sourcePath, catalog, settings);
        if (pod is { HostNetwork: true } && network is not null)
        {
            ctx.Error(network.Line, network.Column, $"metadata.annotations.{KubernetesFields.NetworkAnnotation}: " +
                "the pod has hostNetwork: true and so no network of its own; remove one of the two");
        }
        pod = pod is null ? null : AppArmorAnnotations.Apply(pod, annotations, key => KeyNode(metadata!.Value("annotations")!, key), ctx);
        PodActivation activation = pod is null ? PodActivation.None : ActivationAnnotations.Map(annotations,
            key => KeyNode(metadata!.Value("annotations")!, key), ctx, pod.Containers, pod.InitContainers, pod.HostNetwork);
        return ctx.HasErrors || pod is null ? null : pod with
        {
            Activation = activation,
            Network = network,
            Labels = labels,
            Annotations = annotations,
            Autostart = autostart,
            ImageResolvConf = annotations.GetValueOrDefault(KubernetesFields.DnsAnnotation) == "none",
            AutoUpdate = annotations.GetValueOrDefault(KubernetesFields.AutoUpdateAnnotation) == "registry",
            Namespace = metadata?.Ignored("namespace") is YScalar { IsNull: false } ns ? ns.Value : "default",
            ServiceAccountName = spec.Ignored("serviceAccountName") is YScalar { IsNull: false } sa ? sa.Value : "default",
            ConfigObjects = catalog.Used,
        };
    }

    private static string MapName(Fields? metadata, ParseContext ctx, string nameFromFile, LoadOptions options)
    {
        string? metaName = metadata?.String("name");
        YNode? at = metadata?.Value("name");
        if (options.RequireNameMatchesFile && options.NameMismatchIsWarning && metaName is not null && metaName != nameFromFile
            && ResourceNames.Explain(metaName) is null)
        {
            ctx.Warning(at!, $"metadata.name: \"{metaName}\" differs from the file name \"{nameFromFile}\"; install it as " +
                $"/etc/podunits/pods/{metaName}.yaml to run it with systemctl start pod@{metaName}");
            return metaName;
        }
        if (options.RequireNameMatchesFile && metaName is not null && metaName != nameFromFile)
        {
            ctx.Error(at!, $"metadata.name: \"{metaName}\" must equal the file name \"{nameFromFile}\" " +
                $"(pod@NAME loads NAME.yaml); rename the file to {metaName}.yaml or change the name");
            return nameFromFile;
        }
        string name = options.RequireNameMatchesFile ? nameFromFile : metaName ?? nameFromFile;
        if (ResourceNames.Explain(name) is string why)
        {
            if (at is not null && metaName == name)
            {
                ctx.Error(at, $"metadata.name: \"{name}\" is not a valid pod name: {why}");
            }
            else
            {
                ctx.Error(1, 1, $"the pod name \"{name}\" (from the file name) is not valid: {why}");
            }
        }
        return name;
    }

    private static bool CheckAnnotations(Dictionary<string, string> annotations, Fields? metadata, ParseContext ctx)
    {
        bool autostart = false;
        foreach ((string key, string value) in annotations)
        {
            if (!key.StartsWith(KubernetesFields.AnnotationPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            YNode at = KeyNode(metadata!.Value("annotations")!, key);
            if (!KubernetesFields.KnownAnnotations.Contains(key))
            {
                ctx.Error(at, $"metadata.annotations: unknown PodUnits annotation \"{key}\"{Suggest.Hint(key, KubernetesFields.KnownAnnotations)}");
            }
            else if (key == KubernetesFields.AutoUpdateAnnotation)
            {
                if (value != "registry")
                {
                    ctx.Error(at, $"metadata.annotations.{key}: must be \"registry\" (podunits auto-update follows the images' tags in their registries), found \"{value}\"");
                }
            }
            else if (key == KubernetesFields.DnsAnnotation)
            {
                if (value != "none")
                {
                    ctx.Error(at, $"metadata.annotations.{key}: must be \"none\" (the images' own resolv.conf), found \"{value}\"");
                }
            }
            else if (key == "podunits.io/description")
            {
                // Free text, which the generator writes as Description=: line breaks become
                // spaces, but another control character would reach the unit file raw (a NUL
                // cuts the value) and a trailing backslash would join the generator's next line.
                if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
                {
                    ctx.Error(at, $"metadata.annotations.{key}: control characters other than line breaks and tabs are not allowed");
                }
                else if (value.TrimEnd().EndsWith('\\'))
                {
                    ctx.Error(at, $"metadata.annotations.{key}: must not end with a backslash (it would continue the unit file's line)");
                }
            }
            else if (key != "podunits.io/autostart")
            {
                // Another annotation of ours with free text.
            }
            else if (value is not ("true" or "false"))
            {
                ctx.Error(at, $"metadata.annotations.{key}: must be \"true\" or \"false\", found \"{value}\"");
            }
            else
            {
                autostart = value == "true";
            }
        }
        return autostart;
    }

    /// <summary>podunits.io/network: a CNI network name (as libcni checks them); whether a
    /// configuration of that name exists is known only on the host that runs the pod.</summary>
    private static NetworkChoice? CheckNetwork(string value, YNode at, ParseContext ctx)
    {
        if (Core.Naming.NetworkNames.Explain(value) is string why)
        {
            ctx.Error(at, $"metadata.annotations.{KubernetesFields.NetworkAnnotation}: \"{value}\" is not a valid network name: {why}");
            return null;
        }
        return new NetworkChoice(value, at.Line, at.Column);
    }

    /// <summary>The key node of <paramref name="key"/> in a mapping (for positions), else the mapping.</summary>
    private static YNode KeyNode(YNode mapping, string key) =>
        mapping is YMapping m && m.Entries.FirstOrDefault(e => e.Key is YScalar s && s.Value == key).Key is YNode k ? k : mapping;

    /// <summary>The pod init hands the executor two journal streams per container in one
    /// control message, which carries at most 128 descriptors (Spawning/ControlChannel.cs).</summary>
    public const int MaxContainers = 64;

    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    private static PodDefinition? MapSpec(Fields spec, ParseContext ctx, string name, string sourcePath, ConfigObjectCatalog catalog,
        HostSettings settings)
    {
        // Every container's name, before any is mapped: volumes and env may refer to any of them.
        // A loop, not SelectMany(...).Select(...): a generic virtual call, which NativeAOT looks
        // up at run time at every pod start (docs/process-model.md, "What a NativeAOT process pays").
        var names = new List<string>();
        foreach (string field in ContainerLists)
        {
            foreach (YNode item in spec.Value(field) is YSequence seq ? seq.Items : [])
            {
                if (item is YMapping m && m.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "name" }).Value is YScalar { IsNull: false } n)
                {
                    names.Add(n.Value);
                }
            }
        }
        string[] allNames = [.. names];
        List<VolumeDefinition> volumes = VolumeMapper.MapAll(spec, ctx, catalog, allNames, out HashSet<string> volumeNames);
        var containerNames = new Dictionary<string, string>(StringComparer.Ordinal);
        bool hostNetwork = spec.Boolean("hostNetwork") ?? false;
        bool? hostUsers = spec.Boolean("hostUsers");
        if (hostUsers == false && hostNetwork)
        {
            ctx.Error(spec.Value("hostUsers")!, "spec.hostUsers: false cannot be combined with hostNetwork: true " +
                "(Kubernetes allows no host namespace in a pod with a user namespace of its own); remove one of the two");
        }
        var hostPorts = new HostPortClaims(ctx, hostNetwork);
        // Read before the containers: it bounds their sleep hooks (null when invalid: reported here).
        long? gracePeriod = spec.Value("terminationGracePeriodSeconds") is null ? 30
            : spec.Integer("terminationGracePeriodSeconds", int.MinValue, int.MaxValue);
        if (gracePeriod < 0)
        {
            // The API server has taken a negative period as 1 since Kubernetes 1.27 (it was
            // an immediate kill before, which a definition written for either never meant).
            ctx.Warning(spec.Value("terminationGracePeriodSeconds")!, $"spec.terminationGracePeriodSeconds: {gracePeriod} is negative; taken as 1, as the API server does");
            gracePeriod = 1;
        }

        // Map the two lists in file order, so a duplicate name is reported where it repeats.
        List<ContainerDefinition> initContainers = [], containers = [];
        bool initFirst = spec.Value("initContainers") is YNode ic && spec.Value("containers") is YNode cs
            && (ic.Line, ic.Column).CompareTo((cs.Line, cs.Column)) < 0;
        foreach (string field in initFirst ? ["initContainers", "containers"] : new[] { "containers", "initContainers" })
        {
            var mapped = MapContainers(spec, field, ctx, volumeNames, containerNames, hostPorts, catalog, allNames, gracePeriod, name);
            (field == "containers" ? containers : initContainers).AddRange(mapped);
        }
        if (spec.Key("containers") is not YScalar containersKey)
        {
            spec.Missing("containers");
        }
        else if (spec.Value("containers") is null or YSequence { Items.Count: 0 })
        {
            // Value reads a YAML null as absent, so `containers:` (every item commented out)
            // matched no pattern here and a pod without containers passed (definitions
            // review of 2026-12-07, finding 2); Kubernetes says "Required value".
            ctx.Error(spec.Value("containers") ?? containersKey, "spec.containers: must list at least one container");
        }
        else if (initContainers.Count + containers.Count > MaxContainers)
        {
            ctx.Error(spec.Value("containers")!,
                $"spec: a pod may have at most {MaxContainers} containers, init containers included; this one has {initContainers.Count + containers.Count}");
        }

        string? hostname = spec.String("hostname");
        if (hostname is not null && ResourceNames.Explain(hostname) is string why)
        {
            ctx.Error(spec.Value("hostname")!, $"spec.hostname: \"{hostname}\" is not a valid hostname: {why}");
        }
        var dnsPolicy = spec.OneOfOrDefault("dnsPolicy", DnsPolicies) is string dp ? Enum.Parse<DnsPolicy>(dp) : DnsPolicy.ClusterFirst;
        DnsConfig? dnsConfig = DnsMapper.MapConfig(spec, ctx);
        if (dnsPolicy == DnsPolicy.None && (dnsConfig is null || dnsConfig.Nameservers.Count == 0))
        {
            ctx.Error(spec.Value("dnsPolicy")!, "spec.dnsPolicy: None needs spec.dnsConfig with at least one nameserver");
        }
        var restart = spec.OneOfOrDefault("restartPolicy", RestartPolicies) is string rp ? Enum.Parse<RestartPolicy>(rp) : RestartPolicy.Always;
        PodSecurityContext? security = SecurityMapper.MapPod(spec, ctx, hostNetwork, settings);

        (ResourceLimits limits, ResourceLimits requests) = PodResourceMapper.Map(spec, ctx, containers, initContainers);
        bool userNamespace = hostUsers == false
            || (hostUsers is null && !hostNetwork && settings.UserNamespacesDefault == UserNamespacesDefault.Auto);
        if (userNamespace)
        {
            UserNamespaceIds.Check(spec, ctx);
        }
        UserNamespaceIds.CheckProcMount(spec, ctx, hostUsers);
        bool shareProcessNamespace = spec.Boolean("shareProcessNamespace") ?? false;
        PtraceRefusals.Check(spec, ctx, initContainers, containers, userNamespace, shareProcessNamespace);
        return new PodDefinition
        {
            HostSettings = settings,
            Name = name,
            Containers = containers,
            InitContainers = initContainers,
            Volumes = volumes,
            Hostname = hostname,
            HostNetwork = hostNetwork,
            ShareProcessNamespace = shareProcessNamespace,
            HostUsers = hostUsers,
            UserNamespace = userNamespace,
            DnsPolicy = dnsPolicy,
            DnsConfig = dnsConfig,
            HostAliases = DnsMapper.MapHostAliases(spec, ctx),
            RestartPolicy = restart,
            TerminationGracePeriodSeconds = gracePeriod ?? 30,
            SecurityContext = security,
            Limits = limits,
            Requests = requests,
            SourcePath = sourcePath,
        };
    }

    private static List<ContainerDefinition> MapContainers(Fields spec, string field, ParseContext ctx,
        HashSet<string> volumeNames, Dictionary<string, string> containerNames, HostPortClaims hostPorts,
        ConfigObjectCatalog catalog, string[] allNames, long? gracePeriod, string podName)
    {
        var result = new List<ContainerDefinition>();
        if (spec.Value(field) is not YNode node || ctx.List(node, spec.PathOf(field)) is not { } items)
        {
            return result;
        }
        for (int i = 0; i < items.Count; i++)
        {
            var mapper = new ContainerMapper(ctx, $"spec.{field}[{i}]", field == "initContainers", volumeNames, containerNames, hostPorts,
                catalog, allNames, gracePeriod, podName);
            if (mapper.Map(items[i]) is ContainerDefinition c)
            {
                result.Add(c);
            }
        }
        return result;
    }
}

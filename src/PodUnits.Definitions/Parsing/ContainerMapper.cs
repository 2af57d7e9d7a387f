using PodUnits.Core.Naming;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>Maps one entry of spec.containers or spec.initContainers. <c>gracePeriod</c> is
/// the pod's terminationGracePeriodSeconds (null when invalid), which bounds a sleep hook.</summary>
internal sealed class ContainerMapper(ParseContext ctx, string path, bool isInit,
    HashSet<string> volumeNames, Dictionary<string, string> containerNames, HostPortClaims hostPorts,
    ConfigObjectCatalog catalog, ICollection<string> allContainerNames, long? gracePeriod, string podName)
{
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];
    private static readonly string[] Protocols = ["TCP", "UDP", "SCTP"];

    public ContainerDefinition? Map(YNode node)
    {
        if (ctx.Object(node, path, KubernetesFields.Container) is not Fields f)
        {
            if (node is YScalar { IsNull: true })
            {
                ctx.Error(node, $"{path}: must be a container (a mapping with name and image), found null");
            }
            return null;
        }
        string? name = f.RequiredString("name");
        if (name is not null)
        {
            CheckName(name, f.Value("name")!);
        }
        string? image = f.RequiredString("image");
        if (image is not null && ImageReferences.Explain(image) is string bad)
        {
            ctx.Error(f.Value("image")!, $"{f.PathOf("image")}: \"{image}\" {bad}");
        }
        var pull = f.OneOfOrDefault("imagePullPolicy", PullPolicies) is string p
            ? Enum.Parse<ImagePullPolicy>(p)
            : ImageReferences.DefaultPullPolicy(image ?? "");
        string? workingDir = f.String("workingDir");
        if (workingDir is not null && !workingDir.StartsWith('/'))
        {
            ctx.Error(f.Value("workingDir")!, $"{f.PathOf("workingDir")}: must be an absolute path, found \"{workingDir}\"");
        }
        List<ContainerPort> ports = MapPorts(f);
        var envSources = new EnvSourceMapper(ctx, catalog, name ?? "", allContainerNames);
        (ResourceLimits limits, ResourceLimits requests) = ResourceMapper.Map(f, ctx, requestsWithinLimits: true);
        bool sidecar = MapRestartPolicy(f);
        return new ContainerDefinition
        {
            Name = name ?? "",
            Image = image ?? "",
            ImagePullPolicy = pull,
            // An empty list is no list, as the API's omitempty makes it: `command: []` (a Helm
            // default) keeps the image's ENTRYPOINT, `args: []` its CMD.
            Command = f.StringList("command") is { Count: > 0 } command ? command : null,
            Args = f.StringList("args") is { Count: > 0 } args ? args : null,
            Env = MapEnv(f, envSources),
            EnvFrom = envSources.EnvFrom(f),
            WorkingDir = workingDir,
            Ports = ports,
            VolumeMounts = MapMounts(f),
            Limits = limits,
            Requests = requests,
            SecurityContext = SecurityMapper.Map(f, ctx),
            ReadinessProbe = Probe(f, "readinessProbe", ProbeKind.Readiness, sidecar, ports),
            LivenessProbe = Probe(f, "livenessProbe", ProbeKind.Liveness, sidecar, ports),
            StartupProbe = Probe(f, "startupProbe", ProbeKind.Startup, sidecar, ports),
            Lifecycle = HealthField(f, "lifecycle", sidecar, "lifecycle hooks") is YNode hooks
                ? LifecycleMapper.Map(hooks, f.PathOf("lifecycle"), ctx, ports, gracePeriod)
                : null,
            Sidecar = sidecar,
        };
    }

    /// <summary>restartPolicy: only an init container may set it, and only to Always, which
    /// makes it a sidecar (Kubernetes 1.29+). True for a sidecar.</summary>
    private bool MapRestartPolicy(Fields f)
    {
        if (f.Value("restartPolicy") is not YNode node)
        {
            return false;
        }
        if (!isInit)
        {
            ctx.Error(node, $"{f.PathOf("restartPolicy")}: only init containers may set it (to Always, a sidecar); a container restarts as spec.restartPolicy says");
            return false;
        }
        string? policy = f.String("restartPolicy");
        if (policy is not null and not "Always")
        {
            ctx.Error(node, $"{f.PathOf("restartPolicy")}: must be Always (an init container that keeps running: a sidecar), found \"{policy}\"");
        }
        return policy == "Always";
    }

    private Probe? Probe(Fields f, string field, ProbeKind kind, bool sidecar, List<ContainerPort> ports) =>
        HealthField(f, field, sidecar, $"a {ProbeMapper.Describe(kind)}") is YNode node
            ? ProbeMapper.Map(node, f.PathOf(field), ctx, ports, kind)
            : null;

    /// <summary>The value of a probe or lifecycle field, unless this is an init container that
    /// is not a sidecar: Kubernetes forbids them there, since it runs once, to completion,
    /// before the pod's containers start (and before the pod can be ready).</summary>
    private YNode? HealthField(Fields f, string field, bool sidecar, string what)
    {
        YNode? node = f.Value(field);
        if (node is null || !isInit || sidecar)
        {
            return node;
        }
        ctx.Error(node, $"{f.PathOf(field)}: init containers cannot have {what} (they run to completion before the pod starts); " +
            "only a sidecar (restartPolicy: Always) can");
        return null;
    }

    private void CheckName(string name, YNode at)
    {
        if (ResourceNames.Explain(name) is string why)
        {
            ctx.Error(at, $"{path}.name: \"{name}\" is not a valid container name: {why}");
        }
        else if (!containerNames.TryAdd(name, path))
        {
            ctx.Error(at, $"{path}.name: \"{name}\" is already the name of {containerNames[name]}; container names must be unique in a pod");
        }
        else if (PodUnitNames.ContainerScopeLength(podName, name) > PodUnitNames.MaxUnitName)
        {
            ctx.Error(at, $"{path}.name: \"{name}\" makes the container's scope (podunits-POD-{name}.scope, each '-' written as \\x2d) " +
                $"{PodUnitNames.ContainerScopeLength(podName, name)} characters long with pod \"{podName}\"; systemd takes at most {PodUnitNames.MaxUnitName}: use shorter names");
        }
    }

    private List<EnvVar> MapEnv(Fields f, EnvSourceMapper sources)
    {
        var result = new List<EnvVar>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ForEachObject(f, "env", KubernetesFields.EnvVar, (e, p) =>
        {
            string? name = e.RequiredString("name");
            if (name is null)
            {
                return;
            }
            if (Names.ExplainEnvName(name) is string why)
            {
                ctx.Error(e.Value("name")!, $"{p}.name: \"{name}\" is not a valid environment variable name: {why}");
                return;
            }
            if (!seen.Add(name))
            {
                ctx.Warning(e.Value("name")!, $"{p}.name: \"{name}\" is set more than once; the last value wins");
            }
            // `valueFrom:` with nothing after it (a Helm `if` that rendered nothing) is no
            // valueFrom, as Kubernetes reads it: `value` beside it crashed the loader, and
            // without one the variable was dropped, where Kubernetes sets it empty
            // (definitions review of 2026-12-07, findings 1 and 6).
            if (e.Present("valueFrom"))
            {
                if (sources.ValueFrom(e) is EnvSource from)
                {
                    result.Add(new EnvVar(name, "", from));
                }
                return;
            }
            result.Add(new EnvVar(name, e.String("value") ?? ""));
        });
        return result;
    }

    private List<ContainerPort> MapPorts(Fields f)
    {
        var result = new List<ContainerPort>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        ForEachObject(f, "ports", KubernetesFields.Port, (e, p) =>
        {
            long? number = e.Integer("containerPort", 1, 65535);
            if (e.Key("containerPort") is { } key && e.Value("containerPort") is null)
            {
                // Present but null: as required as absent (its hostPort would be dropped).
                ctx.Error(key, $"{p}.containerPort: required, found null");
            }
            else if (e.Key("containerPort") is null)
            {
                e.Missing("containerPort");
            }
            var protocol = e.OneOfOrDefault("protocol", Protocols) is string proto ? Enum.Parse<PortProtocol>(proto) : PortProtocol.TCP;
            string? name = e.String("name");
            if (name is not null && Names.ExplainPortName(name) is string why)
            {
                ctx.Error(e.Value("name")!, $"{p}.name: \"{name}\" is not a valid port name: {why}");
            }
            else if (name is not null && !names.Add(name))
            {
                ctx.Error(e.Value("name")!, $"{p}.name: \"{name}\" is used by another port of this container");
            }
            (int? hostPort, string? hostIP) = hostPorts.Map(e, p, number, protocol);
            if (number is long n)
            {
                result.Add(new ContainerPort((int)n, protocol, name, hostPort, hostIP));
            }
        });
        return result;
    }

    private List<VolumeMount> MapMounts(Fields f)
    {
        var result = new List<VolumeMount>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        ForEachObject(f, "volumeMounts", KubernetesFields.VolumeMount, (e, p) =>
        {
            string? name = e.RequiredString("name");
            string? mountPath = e.RequiredString("mountPath");
            if (name is not null && !volumeNames.Contains(name))
            {
                ctx.Error(e.Value("name")!, $"{p}.name: no volume named \"{name}\" in spec.volumes{Suggest.Hint(name, volumeNames)}");
            }
            if (mountPath is not null && !mountPath.StartsWith('/'))
            {
                ctx.Error(e.Value("mountPath")!, $"{p}.mountPath: must be an absolute path, found \"{mountPath}\"");
            }
            else if (mountPath is not null && Names.ExplainMountTarget(mountPath) is string badTarget)
            {
                ctx.Error(e.Value("mountPath")!, $"{p}.mountPath: \"{mountPath}\" {badTarget}");
            }
            else if (mountPath is not null && !paths.Add(mountPath.TrimEnd('/')))
            {
                ctx.Error(e.Value("mountPath")!, $"{p}.mountPath: \"{mountPath}\" is already mounted in this container");
            }
            string? subPath = e.String("subPath");
            if (subPath is { Length: > 0 } && Names.ExplainSubPath(subPath) is string why)
            {
                ctx.Error(e.Value("subPath")!, $"{p}.subPath: \"{subPath}\" {why}");
            }
            string? subPathExpr = e.String("subPathExpr");
            if (subPath is { Length: > 0 } && subPathExpr is { Length: > 0 })
            {
                ctx.Error(e.Value("subPathExpr")!, $"{p}: subPath and subPathExpr are mutually exclusive");
            }
            else if (subPathExpr is { Length: > 0 } && subPathExpr.StartsWith('/'))
            {
                ctx.Error(e.Value("subPathExpr")!, $"{p}.subPathExpr: \"{subPathExpr}\" must be a relative path");
            }
            else if (subPathExpr is { Length: > 0 } && Names.ExplainSubPath(System.Text.RegularExpressions.Regex.Replace(subPathExpr, @"\$\([^)]*\)", "x")) is string exprWhy)
            {
                // As the API server checks it when the pod is created ("..", say): before,
                // validate passed what every start refused (definitions review, finding 9).
                ctx.Error(e.Value("subPathExpr")!, $"{p}.subPathExpr: \"{subPathExpr}\" {exprWhy}");
            }
            if (name is not null && mountPath is not null)
            {
                result.Add(new VolumeMount(name, mountPath, e.Boolean("readOnly") ?? false, subPath is { Length: > 0 } ? subPath : null,
                    subPathExpr is { Length: > 0 } ? subPathExpr : null));
            }
        });
        return result;
    }

    /// <summary>Runs <paramref name="map"/> over each mapping in the list field <paramref name="field"/>.</summary>
    internal static void ForEachObject(Fields parent, string field, FieldTable table, Action<Fields, string> map)
    {
        if (parent.Value(field) is not YNode node || parent.Context.List(node, parent.PathOf(field)) is not { } items)
        {
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            string itemPath = $"{parent.PathOf(field)}[{i}]";
            if (parent.Context.Object(items[i], itemPath, table) is Fields item)
            {
                map(item, itemPath);
            }
            else if (items[i] is YScalar { IsNull: true })
            {
                parent.Context.Error(items[i], $"{itemPath}: must be a mapping, found null");
            }
        }
    }
}

using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// What a container that may trace (CAP_SYS_PTRACE, or ALL, added to a container that is not
/// privileged) is refused beside, in a pod without a user namespace: there its capability
/// holds over host root's processes too, and the kernel lets it attach to, or open
/// /proc/PID/root of, any process it sees, dumpable or not. It must not see one that is
/// still host root: the pod init (shareProcessNamespace), or the process an exec probe or an
/// exec hook starts in it, which is visible in its PID namespace with every capability from
/// its fork until become.c takes the container's user and confinement (docs/confinement.md).
/// </summary>
internal static class PtraceRefusals
{
    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    public static void Check(Fields spec, ParseContext ctx, IReadOnlyList<ContainerDefinition> initContainers,
        IReadOnlyList<ContainerDefinition> containers, bool userNamespace, bool shareProcessNamespace)
    {
        if (userNamespace)
        {
            return; // container root has no capability over the host's processes
        }
        if (shareProcessNamespace && initContainers.Concat(containers).FirstOrDefault(TracesOthers) is { } tracer)
        {
            // PID 1 of a shared PID namespace is the pod init: host root in the host's mount
            // namespace, unconfined, as every container's set-up is until its pivot_root. With
            // CAP_SYS_PTRACE a container may open /proc/PID/root of whatever it sees, so it
            // would see the host's root through them. Kubernetes' PID 1 is a pause container
            // in a root of its own (a documented deviation: docs/confinement.md).
            ctx.Error(spec.Value("shareProcessNamespace")!, $"spec.shareProcessNamespace: true with container {tracer.Name}'s " +
                "capability SYS_PTRACE would let it reach the pod init, which runs as the host's root and sees the host's files; " +
                "give the pod a user namespace (hostUsers: false), or drop SYS_PTRACE, or keep each container's PID namespace its own");
        }
        foreach (string field in ContainerLists)
        {
            IReadOnlyList<ContainerDefinition> mapped = field == "containers" ? containers : initContainers;
            List<YNode> items = spec.Value(field) is YSequence seq ? seq.Items : [];
            for (int i = 0; i < items.Count; i++)
            {
                if (Entry(items[i], "name") is YScalar { IsNull: false } name
                    && mapped.FirstOrDefault(c => c.Name == name.Value) is { } c && TracesOthers(c))
                {
                    RefuseExecHandlers(ctx, c, items[i], $"spec.{field}[{i}]");
                }
            }
        }
    }

    /// <summary>Whether the container may trace (and open the root of) the processes it sees:
    /// CAP_SYS_PTRACE or all capabilities added (what is added wins over what is dropped, as
    /// in containerd); a privileged container is the host's root anyway, as Kubernetes means it.</summary>
    private static bool TracesOthers(ContainerDefinition c) =>
        c.SecurityContext is { Privileged: false } sc && sc.CapabilitiesAdd.Any(cap => cap is "CAP_SYS_PTRACE" or "ALL");

    /// <summary>An exec probe or hook of a container that may trace, without a user namespace:
    /// the process it starts is host root with every capability, visible in the container's
    /// PID namespace from its fork until its privileges drop, long enough (the .NET runtime's
    /// start, the plan, the lookup) for the container to PTRACE_SEIZE it and escape, every
    /// period of the probe (stage 1 native review of 2026-12-07, finding 1). runc's exec has
    /// the same window (opencontainers/runc#3987): refused here, a deviation from Kubernetes.</summary>
    private static void RefuseExecHandlers(ParseContext ctx, ContainerDefinition c, YNode item, string path)
    {
        (string[] Fields, string What, string Instead, bool Exec)[] handlers =
        [
            (["readinessProbe"], "readiness probe", "an httpGet, tcpSocket or grpc probe", c.ReadinessProbe?.ExecCommand is not null),
            (["livenessProbe"], "liveness probe", "an httpGet, tcpSocket or grpc probe", c.LivenessProbe?.ExecCommand is not null),
            (["startupProbe"], "startup probe", "an httpGet, tcpSocket or grpc probe", c.StartupProbe?.ExecCommand is not null),
            (["lifecycle", "postStart"], "postStart hook", "an httpGet or sleep hook", c.Lifecycle?.PostStart?.ExecCommand is not null),
            (["lifecycle", "preStop"], "preStop hook", "an httpGet or sleep hook", c.Lifecycle?.PreStop?.ExecCommand is not null),
        ];
        foreach (var (fields, what, instead, exec) in handlers)
        {
            if (!exec)
            {
                continue;
            }
            YNode at = item;
            foreach (string f in fields)
            {
                at = Entry(at, f) ?? at;
            }
            ctx.Error(Key(at, "exec") ?? at, $"{path}.{string.Join('.', fields)}.exec: container {c.Name} adds {Added(c)} " +
                $"in a pod without a user namespace, so it could trace the process an exec {what} starts in it while that process is " +
                $"still the host's root with every capability (opencontainers/runc#3987); give the pod a user namespace (hostUsers: false), " +
                $"or drop SYS_PTRACE, or use {instead}");
        }
    }

    private static string Added(ContainerDefinition c) =>
        c.SecurityContext!.CapabilitiesAdd.Contains("CAP_SYS_PTRACE") ? "capability SYS_PTRACE" : "ALL capabilities, SYS_PTRACE among them,";

    /// <summary>The value of <paramref name="key"/> in a mapping, or null.</summary>
    private static YNode? Entry(YNode mapping, string key) =>
        mapping is YMapping m ? m.Entries.FirstOrDefault(e => e.Key is YScalar s && s.Value == key).Value : null;

    /// <summary>The key node of <paramref name="key"/> in a mapping (for its position), or null.</summary>
    private static YNode? Key(YNode mapping, string key) =>
        mapping is YMapping m ? m.Entries.FirstOrDefault(e => e.Key is YScalar s && s.Value == key).Key : null;
}

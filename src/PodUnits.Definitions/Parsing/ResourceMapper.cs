using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>resources.limits (memory, cpu) of a container or of the pod (spec.resources) and
/// resources.requests (cpu as CPU weight; memory not enforced, but a malformed quantity is
/// still an error, as Kubernetes would reject it).</summary>
internal static class ResourceMapper
{
    private static readonly string[] Supported = ["cpu", "memory"];

    /// <summary>The limits (enforced) and the requests (CPU's as CPU weight; the downward API
    /// shows both). A request left out defaults to the limit, as the API server defaults it.</summary>
    /// <param name="requestsWithinLimits">A container's: a request above its limit is an
    /// error, as the API server's (the pod's own are checked with its containers',
    /// PodResourceMapper).</param>
    public static (ResourceLimits Limits, ResourceLimits Requests) Map(Fields owner, ParseContext ctx, bool requestsWithinLimits = false)
    {
        if (owner.Value("resources") is not YNode node
            || ctx.Object(node, owner.PathOf("resources"), KubernetesFields.Resources) is not Fields r)
        {
            return (ResourceLimits.None, ResourceLimits.None);
        }
        (long? Memory, long? Cpu) requested = (null, null);
        if (r.Value("requests") is YNode requestsNode and not YMapping)
        {
            ctx.Error(requestsNode, $"{r.PathOf("requests")}: must be a mapping, found {ParseContext.Describe(requestsNode)}");
        }
        else if (r.Value("requests") is YMapping requests)
        {
            requested = Check(requests, r.PathOf("requests"), ctx, warnOnly: true);
            // A CPU request weighs the containers' CPU against each other (CPUWeight=, as the
            // kubelet's cpu.weight); a memory request is not enforced on a node without the
            // kubelet's alpha MemoryQoS (systemd review of 2026-12-07, finding 5: the whole
            // field was said to be ignored).
            if (requests.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "memory" }).Key is YNode memoryKey)
            {
                ctx.Warning(memoryKey, $"field \"memory\" in {r.PathOf("requests")} is ignored: it only matters to a Kubernetes scheduler");
            }
        }
        ResourceLimits limits = ResourceLimits.None;
        if (r.Value("limits") is YNode limitsNode and not YMapping)
        {
            ctx.Error(limitsNode, $"{r.PathOf("limits")}: must be a mapping, found {ParseContext.Describe(limitsNode)}");
        }
        else if (r.Value("limits") is YMapping limitsMap)
        {
            (long? memory, long? cpu) = Check(limitsMap, r.PathOf("limits"), ctx, warnOnly: false);
            limits = memory is null && cpu is null ? ResourceLimits.None : new ResourceLimits(memory, cpu);
        }
        if (requestsWithinLimits && r.Value("requests") is YMapping asked)
        {
            // The downward API showed a request above its limit, which the API server refuses
            // (definitions review of 2026-12-06, finding 1).
            Within(asked, "memory", requested.Memory, limits.MemoryBytes, PodResourceMapper.ShowMemory, r.PathOf("requests"), ctx);
            Within(asked, "cpu", requested.Cpu, limits.CpuMillis, PodResourceMapper.ShowCpu, r.PathOf("requests"), ctx);
        }
        var requestsOrLimits = new ResourceLimits(requested.Memory ?? limits.MemoryBytes, requested.Cpu ?? limits.CpuMillis);
        return (limits, requestsOrLimits is { MemoryBytes: null, CpuMillis: null } ? ResourceLimits.None : requestsOrLimits);
    }

    private static void Within(YMapping requests, string resource, long? request, long? limit, Func<long, string> show, string path, ParseContext ctx)
    {
        if (request is long r && limit is long l && r > l)
        {
            YNode at = requests.Entries.FirstOrDefault(e => e.Key is YScalar { Value: var k } && k == resource).Value ?? requests;
            ctx.Error(at, $"{path}.{resource}: {show(r)} is more than its limit of {show(l)}; a request must not exceed its limit");
        }
    }

    private static (long? Memory, long? Cpu) Check(YMapping map, string path, ParseContext ctx, bool warnOnly)
    {
        long? memory = null;
        long? cpu = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((YNode k, YNode v) in map.Entries)
        {
            string key = (k as YScalar)?.Value ?? "";
            // A second "memory:" won silently (a merge left both): an error, as a duplicate
            // key is everywhere else in a definition (definitions review, finding 5).
            if (!seen.Add(key))
            {
                ctx.Error(k, $"duplicate key \"{key}\" in {path}");
                continue;
            }
            if (warnOnly && v is YScalar { Value: var text } && Quantities.IsZero(text))
            {
                // A request of 0 is none, as the API server takes it (a chart's default),
                // however it is written: "0m", "0Mi" and "0.0" were refused as not more than
                // zero (definitions review of 2026-12-06, finding 2).
                continue;
            }
            switch (key)
            {
                case "memory":
                    memory = Memory(v, $"{path}.memory", ctx);
                    break;
                case "cpu":
                    cpu = Cpu(v, $"{path}.cpu", ctx);
                    break;
                default:
                    string hint = Suggest.Closest(key, Supported) is string s && key.Length > 1 ? $"; did you mean \"{s}\"?" : "";
                    if (!warnOnly)
                    {
                        ctx.Error(k, $"resource \"{key}\" in {path} is not supported yet (supported: cpu, memory){hint}");
                    }
                    else
                    {
                        // A request of another resource (ephemeral-storage, hugepages, an extended
                        // one) only steers a scheduler; a misspelt cpu weighs nothing (review of
                        // the merged systemd change, 2026-12-07, finding 6).
                        ctx.Warning(k, hint.Length > 0
                            ? $"resource \"{key}\" in {path} is ignored{hint}"
                            : $"field \"{key}\" in {path} is ignored: it only matters to a Kubernetes scheduler");
                    }
                    break;
            }
        }
        return (memory, cpu);
    }

    public static long? Memory(YNode node, string path, ParseContext ctx)
    {
        if (Text(node, path, ctx) is not string text)
        {
            return null;
        }
        if (Quantities.TryParseMemoryBytes(text, out long bytes, out string? error))
        {
            if (text.EndsWith('m'))
            {
                // The API server warns of a fractional byte count; "500m" is a typo of 500Mi
                // that made a 1-byte limit, and the container was killed at once.
                ctx.Warning(node, $"{path}: \"{text}\" is thousandths of a byte (m is milli), taken as {bytes} bytes; did you mean {text[..^1]}Mi?");
            }
            return bytes;
        }
        ctx.Error(node, $"{path}: {error}");
        return null;
    }

    public static long? Cpu(YNode node, string path, ParseContext ctx)
    {
        if (Text(node, path, ctx) is not string text)
        {
            return null;
        }
        if (Quantities.TryParseCpuMillis(text, out long millis, out string? error))
        {
            return millis;
        }
        ctx.Error(node, $"{path}: {error}");
        return null;
    }

    private static string? Text(YNode node, string path, ParseContext ctx)
    {
        if (node is YScalar { IsNull: false } s)
        {
            return s.Value;
        }
        ctx.Error(node, $"{path}: must be a quantity like 128Mi or 500m, found {ParseContext.Describe(node)}");
        return null;
    }
}

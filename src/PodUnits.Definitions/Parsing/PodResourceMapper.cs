using System.Globalization;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// Pod-level resources (spec.resources, Kubernetes' PodLevelResources, KEP 2837): cpu and
/// memory limits and requests for the pod as a whole, checked the way the API server checks
/// them: a request may not exceed its limit, no container's limit may exceed the pod's, and
/// the pod's request must cover what its containers request together (the app containers'
/// sum, or the largest init container's request if that is more, since init containers run
/// one at a time before them; a sidecar counts with both, as it keeps running). PodUnits
/// enforces the limits on the pod's slice.
/// </summary>
internal static class PodResourceMapper
{
    public static (ResourceLimits Limits, ResourceLimits Requests) Map(Fields spec, ParseContext ctx,
        IReadOnlyList<ContainerDefinition> containers, IReadOnlyList<ContainerDefinition> initContainers)
    {
        (ResourceLimits limits, ResourceLimits requests) = ResourceMapper.Map(spec, ctx);
        if (spec.Value("resources") is not YMapping resources)
        {
            return (limits, requests);
        }
        IEnumerable<ContainerDefinition> all = [.. initContainers, .. containers];
        foreach ((string resource, Func<ResourceLimits, long?> of, Func<long, string> show) in Resources)
        {
            long? limit = of(limits);
            long? request = of(requests);
            if (limit is long l && request is long r && r > l)
            {
                ctx.Error(At(resources, "requests", resource), $"spec.resources.requests.{resource}: {show(r)} is more than the pod's limit of {show(l)}");
            }
            if (limit is long podLimit && all.FirstOrDefault(c => of(c.Limits) > podLimit) is { } over)
            {
                ctx.Error(At(resources, "limits", resource),
                    $"spec.resources.limits.{resource}: {show(podLimit)} is less than container \"{over.Name}\"'s limit of {show(of(over.Limits)!.Value)}; a pod's limit must be at least each container's");
            }
            long aggregate = PodRequests.Aggregate(containers, initContainers, c => of(c.Requests) ?? 0);
            if (request is long podRequest && aggregate > podRequest)
            {
                ctx.Error(At(resources, "requests", resource),
                    $"spec.resources.requests.{resource}: {show(podRequest)} is less than its containers request together ({show(aggregate)}); a pod's request must be at least that");
            }
        }
        return (limits, requests);
    }

    private static readonly (string Name, Func<ResourceLimits, long?> Of, Func<long, string> Show)[] Resources =
    [
        ("cpu", r => r.CpuMillis, ShowCpu),
        ("memory", r => r.MemoryBytes, ShowMemory),
    ];

    /// <summary>Millicores as a quantity ("1500m").</summary>
    internal static string ShowCpu(long millis) => millis.ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>Bytes as a quantity: whole MiB as "64Mi", else the bytes.</summary>
    internal static string ShowMemory(long bytes) => bytes % (1 << 20) == 0 ? $"{bytes >> 20}Mi" : $"{bytes} bytes";

    /// <summary>The node of resources.KIND.RESOURCE (for its line and column), or the closest
    /// one that exists.</summary>
    private static YNode At(YMapping resources, string kind, string resource)
    {
        YNode? list = Child(resources, kind);
        return (list is YMapping m ? Child(m, resource) : null) ?? list ?? resources;
    }

    private static YNode? Child(YMapping map, string key) =>
        map.Entries.FirstOrDefault(e => e.Key is YScalar { Value: var k } && k == key).Value;
}

using PodUnits.Definitions;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd.Units;

namespace PodUnits.UnitTests.Configuration;

/// <summary>Pod-level resources (spec.resources): the API server's checks at their positions,
/// the downward API's fallback to the pod's limit, and the slice properties they become.</summary>
public sealed class PodResourcesTests
{
    private static readonly NodeFacts Node = new("node1", "192.0.2.10", "0123abcd-0000-4000-8000-000000000001", 4000, 8L << 30, 100L << 30);

    private static LoadResult Load(string resources, string containerResources = "{}", string initResources = "")
    {
        string init = initResources.Length == 0 ? "" : "  initContainers:\n    - {name: i, image: busybox, resources: " + initResources + "}";
        return PodDefinitionLoader.LoadText($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              resources: {{resources}}
            {{init}}
              containers:
                - name: a
                  image: busybox
                  resources: {{containerResources}}
                  env:
                    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi} } }
                    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m} } }
                    - {name: REQ, valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Mi} } }
                - name: b
                  image: busybox
            """, "p.yaml", LoadOptions.Default with { RequireNameMatchesFile = false });
    }

    private static string[] Errors(LoadResult r) => [.. r.Diagnostics.Where(d => d.IsError).Select(d => d.ToString())];

    private static Dictionary<string, string> Env(PodDefinition pod) =>
        ContainerProcess.Resolve(pod.Containers[0], ["/bin/sh"], null, [], new EnvSourceValues(pod, () => Node))
            .Environment.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void PodLimitsAreMappedAndRequestsDefaultToThem()
    {
        LoadResult r = Load("{limits: {memory: 256Mi, cpu: 1500m}}");
        Assert.True(r.IsValid, string.Join('\n', r.Diagnostics));
        Assert.Equal(new ResourceLimits(256L << 20, 1500), r.Pod!.Limits);
        Assert.Equal(new ResourceLimits(256L << 20, 1500), r.Pod.Requests);
    }

    [Fact]
    public void DownwardApiShowsThePodsLimitToAContainerWithoutOne()
    {
        Dictionary<string, string> fallback = Env(Load("{limits: {memory: 256Mi, cpu: 1500m}}").Pod!);
        Assert.Equal(("256", "1500", "0"), (fallback["MEM"], fallback["CPU"], fallback["REQ"]));

        Dictionary<string, string> own = Env(Load("{limits: {memory: 256Mi}}", "{limits: {memory: 64Mi}, requests: {memory: 32Mi}}").Pod!);
        Assert.Equal(("64", "4000", "32"), (own["MEM"], own["CPU"], own["REQ"])); // its own limit; no cpu limit anywhere: the node's
    }

    [Theory]
    [InlineData("{limits: {memory: 64Mi}, requests: {memory: 128Mi}}", "{}", "",
        "p.yaml:5:58: error: spec.resources.requests.memory: 128Mi is more than the pod's limit of 64Mi")]
    [InlineData("{limits: {cpu: 500m}}", "{limits: {cpu: \"1\"}}", "",
        "p.yaml:5:29: error: spec.resources.limits.cpu: 500m is less than container \"a\"'s limit of 1000m; a pod's limit must be at least each container's")]
    [InlineData("{requests: {memory: 64Mi}}", "{requests: {memory: 48Mi}}", "{requests: {memory: 80Mi}}",
        "p.yaml:5:34: error: spec.resources.requests.memory: 64Mi is less than its containers request together (80Mi); a pod's request must be at least that")]
    // A sidecar keeps running: its request adds to the containers' (48Mi + 32Mi), as Kubernetes counts it.
    [InlineData("{requests: {memory: 64Mi}}", "{requests: {memory: 48Mi}}", "{requests: {memory: 32Mi}}, restartPolicy: Always",
        "p.yaml:5:34: error: spec.resources.requests.memory: 64Mi is less than its containers request together (80Mi); a pod's request must be at least that")]
    [InlineData("{limits: {ephemeral-storage: 1Gi}}", "{}", "",
        "p.yaml:5:24: error: resource \"ephemeral-storage\" in spec.resources.limits is not supported yet (supported: cpu, memory)")]
    [InlineData("{claims: [{name: gpu}]}", "{}", "", "p.yaml:5:15: error: field \"claims\" in spec.resources")]
    public void InconsistentPodResourcesAreErrorsAtTheirPosition(string pod, string container, string init, string expected)
    {
        LoadResult r = Load(pod, container, init);
        Assert.False(r.IsValid);
        Assert.Contains(Errors(r), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void LimitsBecomeTheSlicesProperties()
    {
        PodDefinition pod = Load("{limits: {memory: 256Mi, cpu: 1500m}}").Pod!;
        var image = new ContainerImage("busybox", "/l", null, ["sh"], ["PATH=/bin"], null, null, null);
        PodPlan plan = PlanBuilder.Build(pod, "00112233445566778899aabbccddeeff", pod.AllContainers.ToDictionary(c => c.Name, _ => image));
        Assert.True(PodSlice.HasSettings(plan));
        var properties = PodSlice.Properties(plan);
        Assert.Equal(256UL << 20, properties.MemoryMax);
        Assert.Equal(0UL, properties.MemorySwapMax); // no swap beyond the pod's limit either
        Assert.Equal(1_500_000UL, properties.CpuQuotaPerSecUSec);
        Assert.Null(properties.CpuWeight); // pods weigh the same, whatever they request
        Assert.Null(plan.Containers[0].MemoryMaxBytes); // the containers keep no limit of their own

        PodDefinition none = Load("{}").Pod!;
        PodPlan plain = PlanBuilder.Build(none, "00112233445566778899aabbccddeeff", none.AllContainers.ToDictionary(c => c.Name, _ => image));
        Assert.False(PodSlice.HasSettings(plain));
        Assert.Null(plain.CpuRequestMillicores);
        Assert.All(plain.Containers, c => Assert.Null(ContainerUnits.CpuWeight(plain, c))); // systemd's default weight
    }

    [Fact]
    public void CpuRequestsWeightEachScopeByItsOwnAndNotTheSlice()
    {
        // What the kubelet's pod cgroup gets: the containers' requests together (b has none: 0).
        PodDefinition pod = Load("{}", "{requests: {cpu: 500m}}", "{requests: {cpu: 250m}}, restartPolicy: Always").Pod!;
        var image = new ContainerImage("busybox", "/l", null, ["sh"], ["PATH=/bin"], null, null, null);
        PodPlan plan = PlanBuilder.Build(pod, "00112233445566778899aabbccddeeff", pod.AllContainers.ToDictionary(c => c.Name, _ => image));

        Assert.Equal(750UL, plan.CpuRequestMillicores); // a + the sidecar i
        Assert.False(PodSlice.HasSettings(plan)); // pods weigh the same: one that requests nothing would outweigh it
        Assert.Null(PodSlice.Properties(plan).MemorySwapMax); // no memory limit of the pod's
        Assert.Null(PodSlice.Properties(plan).CpuWeight);
        ContainerPlan a = plan.Containers.Single(c => c.Name == "a");
        ContainerPlan b = plan.Containers.Single(c => c.Name == "b");
        Assert.Equal(20UL, ContainerUnits.ScopeProperties(plan, a, null).CpuWeight);
        Assert.Equal(1UL, ContainerUnits.ScopeProperties(plan, b, null).CpuWeight); // none: the kubelet's 2 shares, not systemd's 100
    }

    [Fact]
    public void APodLevelCpuRequestWeighsOnlyItsContainers()
    {
        PodDefinition pod = Load("{requests: {cpu: 2}}", "{requests: {cpu: 100m}}").Pod!;
        var image = new ContainerImage("busybox", "/l", null, ["sh"], ["PATH=/bin"], null, null, null);
        PodPlan plan = PlanBuilder.Build(pod, "00112233445566778899aabbccddeeff", pod.AllContainers.ToDictionary(c => c.Name, _ => image));
        Assert.Equal(2000UL, plan.CpuRequestMillicores);
        Assert.Null(PodSlice.Properties(plan).CpuWeight);
        Assert.Equal(4UL, ContainerUnits.CpuWeight(plan, plan.Containers.Single(c => c.Name == "a")));
    }
}

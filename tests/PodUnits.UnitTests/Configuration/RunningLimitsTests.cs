using PodUnits.Definitions;
using PodUnits.Planning.Configuration;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Configuration;

/// <summary>Configuration review of 2026-12-06, finding 4: `podunits reload` wrote an edited
/// definition's limits into a running pod's downwardAPI files, limits the containers did not
/// have until they restarted. The files show the running ones, `podunits update`'s included.</summary>
public sealed class RunningLimitsTests
{
    private static readonly NodeFacts Node = new("node1", "192.0.2.10", "0123abcd-0000-4000-8000-000000000001", 4000, 8L << 30, 100L << 30);

    private static PodDefinition Load(string memory, string podCpu) => PodDefinitionLoader.LoadText($$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          resources: {limits: {cpu: "{{{podCpu}}}"}}
          containers:
            - name: app
              image: busybox
              resources: {limits: {memory: {{{memory}}}}}
              volumeMounts: [{name: info, mountPath: /info}]
          volumes:
            - name: info
              downwardAPI:
                items:
                  - {path: mem, resourceFieldRef: {containerName: app, resource: limits.memory, divisor: 1Mi}}
                  - {path: cpu, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
        """, "web.yaml", LoadOptions.Default with { RequireNameMatchesFile = false }).GetPodOrThrow();

    private static string[] Files(PodDefinition pod) =>
        [.. ProjectedFiles.Of("info", pod.Volumes[0].Projected!, pod, Node).Select(f => System.Text.Encoding.UTF8.GetString(f.Content))];

    private static PodPlan Running(PodDefinition started) => PlanBuilder.Build(started, "0123456789abcdef0123456789abcdef",
        new Dictionary<string, ContainerImage> { ["app"] = new("busybox", "/layers/a", null, ["sh"], ["PATH=/bin"], null, null, null) });

    [Fact]
    public void AnEditedDefinitionsLimitsWaitForTheRestartAndAreSaidToWait()
    {
        PodPlan running = Running(Load("64Mi", "2"));
        var said = new List<string>();
        PodDefinition shown = RunningLimits.Apply(Load("128Mi", "3"), running, _ => (null, null), said.Add);
        Assert.Equal(["64", "2000"], Files(shown)); // the container's memory as it runs; its CPU bounded by the pod's
        Assert.Equal(2, said.Count);
        Assert.Contains("container app: its limits changed in the definition; they apply when the pod restarts", said[0], StringComparison.Ordinal);
        Assert.StartsWith("the pod's limits changed in the definition", said[1], StringComparison.Ordinal);
    }

    [Fact]
    public void WhatPodunitsUpdateChangedIsShown()
    {
        PodDefinition definition = Load("64Mi", "2");
        var said = new List<string>();
        // podunits update --memory 96Mi --cpu 500m: CPUQuotaPerSecUSec 500,000.
        PodDefinition shown = RunningLimits.Apply(definition, Running(definition), _ => (96UL << 20, 500_000UL), said.Add);
        Assert.Equal(["96", "500"], Files(shown));
        Assert.Empty(said); // the definition is as the pod started: nothing waits
        // --memory max --cpu max: no limit of its own, so the node's (4000m, 8Gi), here under the pod's 2 CPUs.
        PodDefinition unlimited = RunningLimits.Apply(definition, Running(definition), _ => (ulong.MaxValue, ulong.MaxValue), said.Add);
        Assert.Equal(["8192", "2000"], Files(unlimited));
    }
}

using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Configuration;

/// <summary>
/// Pod-level resources (spec.resources) end to end: the limits sit on the pod's slice, which
/// holds both containers' scopes, so they bound the containers together: a container with no
/// limit of its own that eats memory is killed at the pod's limit while its sibling runs on,
/// the downward API shows the pod's limit to a container without one, and the slice goes
/// when the pod stops.
/// </summary>
public sealed class PodResourcesTests
{
    private const string Name = "cfg-podres";
    private const string Slice = "machine-podunits-cfg\\x2dpodres.slice";

    [Fact]
    public void PodLevelLimitsBoundTheContainersTogether()
    {
        using var pod = new PodHarness(Name, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{Name}} }
            spec:
              terminationGracePeriodSeconds: 3
              restartPolicy: Never
              resources:
                limits: {memory: 48Mi, cpu: 500m}
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", "echo mem=$MEM cpu=$CPU; dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo small-ok; trap 'exit 0' TERM; sleep 1000 & wait"]
                  env:
                    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi} } }
                    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m} } }
                - name: eater
                  image: busybox
                  command: ["sh", "-c", "sleep 1; exec tail /dev/zero"]
            """);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Equal("50331648", pod.Show("MemoryMax", Slice));
        Assert.Equal("500ms", pod.Show("CPUQuotaPerSecUSec", Slice));
        Assert.Equal(Slice, pod.Show("Slice", $"podunits-cfg\\x2dpodres-main.scope"));

        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Any(l =>
            l.Contains("container eater exited with signal 9 (SIGKILL: OOMKilled at the pod's memory limit of 48.0M)", StringComparison.Ordinal)), seconds: 60),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        string[] main = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main");
        Assert.Contains("mem=48 cpu=500", main); // no limit of its own: the pod's
        Assert.Contains("small-ok", main);
        Assert.Equal("active", pod.Show("ActiveState")); // the sibling runs on
        Assert.Equal("active", pod.Show("ActiveState", $"podunits-cfg\\x2dpodres-main.scope"));

        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        Assert.Equal("inactive", pod.Show("ActiveState", Slice)); // no slice with stale limits
    }

    /// <summary>Without pod-level limits the slice is the one systemd makes for the first
    /// scope, which it would keep active, empty, after the pod: the executor stops it.</summary>
    [Fact]
    public void APodsSliceGoesWithThePod()
    {
        using var pod = new PodHarness("cfg-slice", PodHarness.BusyboxPod("cfg-slice", PodHarness.Idle));
        pod.Start();
        Assert.Equal("active", pod.Show("ActiveState", "machine-podunits-cfg\\x2dslice.slice"));
        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        Assert.Equal("inactive", pod.Show("ActiveState", "machine-podunits-cfg\\x2dslice.slice"));
    }


    /// <summary>Systemd review of 2026-12-07, finding 5: requests.cpu weights CPU as the
    /// kubelet's cpu.weight does: 500m is 512 shares, weight 20; the pod's slice keeps
    /// systemd's 100, as a pod that requests nothing does.</summary>
    [Fact]
    public void CpuRequestsBecomeCpuWeights()
    {
        const string name = "cfg-cpuweight";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle,
            extraContainerYaml: "      resources:\n        requests: {cpu: 500m}\n"));
        pod.Start();
        Assert.Equal("20", pod.Show("CPUWeight", "podunits-cfg\\x2dcpuweight-main.scope"));
        Assert.Contains(pod.Show("CPUWeight", "machine-podunits-cfg\\x2dcpuweight.slice"), new[] { "[not set]", "100" }); // systemd's default
        Assert.Equal("0", pod.Show("MemorySwapMax", "podunits-cfg\\x2dcpuweight-main.scope"));
    }
}

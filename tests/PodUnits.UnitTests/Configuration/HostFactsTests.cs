using PodUnits.Planning.Plan;

namespace PodUnits.UnitTests.Configuration;

/// <summary>Review of 2026-12-06: node allocatable CPU came from Environment.ProcessorCount,
/// which follows the caller's CPU affinity and cgroup quota, not the host's online CPUs.</summary>
public sealed class HostFactsTests
{
    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0\n", 1)]
    [InlineData("0-3,8,10-11\n", 7)]
    [InlineData("", 0)]
    [InlineData("0-", null)]
    [InlineData("3-1", null)]
    [InlineData("a", null)]
    public void ACpuListIsCountedAsTheKernelWritesIt(string list, int? count) =>
        Assert.Equal(count, HostFacts.CpuListCount(list));

    /// <summary>Config review of 2026-12-06, finding 6: spec.nodeName was the hostname cut at
    /// its first dot, in its own case; the kubelet's is the whole name, lowercased.</summary>
    [Theory]
    [InlineData("Web1.Example.COM\n", "web1.example.com")]
    [InlineData("node1\n", "node1")]
    public void TheNodeNameIsTheWholeHostnameLowercased(string hostname, string nodeName) =>
        Assert.Equal(nodeName, HostFacts.NodeName(hostname));
}

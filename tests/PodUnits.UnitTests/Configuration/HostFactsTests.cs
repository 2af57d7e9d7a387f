using System.Net;
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

    /// <summary>Config review of 2026-12-07, finding 4: a host without IPv4 gave 127.0.0.1,
    /// in a pod of its own network the pod's own loopback; hostIPs never had IPv6.</summary>
    [Fact]
    public void TheHostsAddressesComeFromEachFamilysDefaultRoute()
    {
        (string, IPAddress[]) eth0 = ("eth0", [IPAddress.Parse("fe80::1"), IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::10")]);
        (string, IPAddress[]) wg0 = ("wg0", [IPAddress.Parse("10.9.0.1"), IPAddress.Parse("2001:db8:9::1")]);
        // IPv4 only: the default route's interface first, whatever the order.
        Assert.Equal(("10.9.0.1", "10.9.0.1"), HostFacts.ChooseHostIPs([eth0 with { Item2 = [IPAddress.Parse("192.0.2.10")] }, wg0 with { Item2 = [IPAddress.Parse("10.9.0.1")] }], "wg0", null));
        // Dual stack: IPv4 first, each family from its own route's interface.
        Assert.Equal(("192.0.2.10", "192.0.2.10,2001:db8:9::1"), HostFacts.ChooseHostIPs([eth0, wg0], "eth0", "wg0"));
        // IPv6 only: a global address, never the link-local one.
        Assert.Equal(("2001:db8::10", "2001:db8::10"), HostFacts.ChooseHostIPs([("eth0", [IPAddress.Parse("fe80::1"), IPAddress.Parse("2001:db8::10")])], null, "eth0"));
        // IPv6-only with the pods' own bridge up: the bridge's IPv4 address is no node address.
        Assert.Equal(("2001:db8::10", "2001:db8::10"), HostFacts.ChooseHostIPs([("podunits0", [IPAddress.Parse("10.121.0.1")]),
            ("eth0", [IPAddress.Parse("2001:db8::10")])], null, "eth0"));
        // The IPv6 route's interface has only a link-local address: no IPv6 node address, not a VPN's.
        Assert.Equal(("192.0.2.10", "192.0.2.10"), HostFacts.ChooseHostIPs([("eth0", [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("fe80::1")]),
            ("wg0", [IPAddress.Parse("fd7a::1")])], "eth0", "eth0"));
        // Nothing but link-local: no node address at all.
        Assert.Equal(("127.0.0.1", "127.0.0.1"), HostFacts.ChooseHostIPs([("eth0", [IPAddress.Parse("fe80::1")])], null, null));
    }
}

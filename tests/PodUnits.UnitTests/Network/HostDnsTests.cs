using PodUnits.Runtime.Network;

namespace PodUnits.UnitTests.Network;

/// <summary>HostDns.Rewrite: the host's resolv.conf as a pod with its own network namespace sees it.</summary>
public sealed class HostDnsTests
{
    private const string ResolvedStub = """
        # This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
        nameserver 127.0.0.53
        options edns0 trust-ad
        search lan
        """;

    private const string ResolvedUpstream = """
        # This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).
        nameserver 192.168.1.1
        nameserver fd00::1
        search lan
        """;

    /// <summary>Network review of 2026-12-06, finding 1: at boot, before DHCP, resolved's
    /// upstream file names no server; the pod's copy then has none, which the start says.</summary>
    [Fact]
    public void ACopyMadeBeforeTheHostHasServersHasNone()
    {
        string copy = HostDns.Rewrite(ResolvedStub, "# This is /run/systemd/resolve/resolv.conf\n# No DNS servers known.\n");
        Assert.False(HostDns.HasNameserver(copy));
        Assert.False(HostDns.HasNameserver(HostDns.Rewrite("nameserver 127.0.0.1\n", null))); // commented out: the host's loopback
        Assert.True(HostDns.HasNameserver(HostDns.Rewrite(ResolvedStub, ResolvedUpstream)));
    }

    /// <summary>Network review of 2026-12-06, finding 8: on an IPv6-only network the IPv4
    /// servers stayed, and glibc's first three were all unreachable.</summary>
    [Fact]
    public void OnAnIpv6OnlyNetworkIpv4ServersAreCommentedOut()
    {
        string rewritten = HostDns.Rewrite("nameserver 192.168.1.1\nnameserver 192.168.1.2\nnameserver 192.168.1.3\nnameserver 2001:db8::53\n", null,
            podHasIpv6: true, podHasIpv4: false);
        Assert.Equal(["2001:db8::53"], rewritten.Split('\n').Where(l => l.StartsWith("nameserver ", StringComparison.Ordinal)).Select(l => l["nameserver ".Length..]));
        Assert.Contains("# nameserver 192.168.1.1 (IPv4: the pod's network gives it no IPv4 address)", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void TheResolvedStubIsReplacedByItsUpstreamServers()
    {
        Assert.Equal(ResolvedUpstream + "\n", HostDns.Rewrite(ResolvedStub, ResolvedUpstream));
    }

    [Fact]
    public void WithoutResolvedsUpstreamFileTheStubIsCommentedOut()
    {
        Assert.Equal("""
            # This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
            # nameserver 127.0.0.53 (the host's loopback: not reachable from the pod)
            options edns0 trust-ad
            search lan

            """, HostDns.Rewrite(ResolvedStub, null));
    }

    [Fact]
    public void LoopbackServersAreCommentedOutAndOthersKept()
    {
        string host = "nameserver 10.0.0.2\n  nameserver\t127.0.1.1  \nnameserver ::1\nnameserver 127.0.0.1 # dnsmasq\nnameserver 8.8.8.8\noptions ndots:2\n";
        Assert.Equal(
            "nameserver 10.0.0.2\n"
            + "# nameserver\t127.0.1.1 (the host's loopback: not reachable from the pod)\n"
            + "# nameserver ::1 (the host's loopback: not reachable from the pod)\n"
            + "# nameserver 127.0.0.1 # dnsmasq (the host's loopback: not reachable from the pod)\n"
            + "nameserver 8.8.8.8\n"
            + "options ndots:2\n",
            HostDns.Rewrite(host, null));
    }

    [Fact]
    public void AHostWithoutTheStubIgnoresResolvedsFile()
    {
        string host = "nameserver 10.0.0.2\nsearch example.org\n";
        Assert.Equal(host, HostDns.Rewrite(host, ResolvedUpstream));
    }

    [Fact]
    public void LoopbackServersInResolvedsUpstreamFileAreCommentedOutToo()
    {
        Assert.Equal("# nameserver 127.0.0.1 (the host's loopback: not reachable from the pod)\nnameserver 10.0.0.2\n",
            HostDns.Rewrite("nameserver 127.0.0.53\n", "nameserver 127.0.0.1\nnameserver 10.0.0.2"));
    }

    [Fact]
    public void NonAddressesAndCommentsAreKeptAsTheyAre()
    {
        string host = "# nameserver 127.0.0.1\nnameserver resolver.lan\nnameserver\nnameservers 127.0.0.1\n";
        Assert.Equal(host, HostDns.Rewrite(host, null));
    }

    [Fact]
    public void TheResultEndsWithExactlyOneNewline()
    {
        Assert.Equal("nameserver 10.0.0.2\n", HostDns.Rewrite("nameserver 10.0.0.2", null));
        Assert.Equal("nameserver 10.0.0.2\n", HostDns.Rewrite("nameserver 10.0.0.2\n\n\n", null));
        Assert.Equal("\n", HostDns.Rewrite("", null));
    }

    [Fact]
    public void TheStubIsRecognisedAmongOtherServers()
    {
        Assert.Equal("nameserver 192.168.1.1\n",
            HostDns.Rewrite("nameserver 10.9.9.9\nnameserver 127.0.0.53\n", "nameserver 192.168.1.1\n"));
    }

    /// <summary>Review of 2026-12-05, finding 5: with these four from resolved, the only
    /// server a pod on an IPv4-only network could reach was the fourth, which glibc never
    /// uses (it reads three).</summary>
    [Fact]
    public void LinkLocalServersAndIPv6OnesOnANetworkWithoutIPv6AreCommentedOut()
    {
        string upstream = "nameserver 2001:db8::53\nnameserver fe80::1%2\nnameserver 2001:db8::54\nnameserver 192.168.1.1\n";
        Assert.Equal(
            "# nameserver 2001:db8::53 (IPv6: the pod's network gives it no IPv6 address)\n"
            + "# nameserver fe80::1%2 (link-local, on a link of the host's: not reachable from the pod)\n"
            + "# nameserver 2001:db8::54 (IPv6: the pod's network gives it no IPv6 address)\n"
            + "nameserver 192.168.1.1\n",
            HostDns.Rewrite("nameserver 127.0.0.53\n", upstream, podHasIpv6: false));
        Assert.Equal(
            "nameserver 2001:db8::53\n"
            + "# nameserver fe80::1%2 (link-local, on a link of the host's: not reachable from the pod)\n"
            + "nameserver 2001:db8::54\nnameserver 192.168.1.1\n",
            HostDns.Rewrite(upstream, null, podHasIpv6: true));
        Assert.Equal("# nameserver fe80::53 (link-local, on a link of the host's: not reachable from the pod)\nnameserver ::ffff:10.0.0.2\n",
            HostDns.Rewrite("nameserver fe80::53\nnameserver ::ffff:10.0.0.2\n", null, podHasIpv6: false));
    }
}

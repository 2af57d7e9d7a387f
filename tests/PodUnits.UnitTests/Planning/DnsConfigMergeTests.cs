using PodUnits.Definitions;
using PodUnits.Planning.Network;

namespace PodUnits.UnitTests.Planning;

/// <summary>dnsConfig merged into the policy's resolv.conf, by the kubelet's rules.</summary>
public sealed class DnsConfigMergeTests
{
    private const string Host = """
        # the host's resolvers
        nameserver 10.0.0.2
        search corp.example
        options ndots:1 edns0

        """;

    [Fact]
    public void NameserversAndSearchesAreAppendedAndOptionsReplacedByName()
    {
        var config = new DnsConfig(["192.0.2.53", "10.0.0.2"], ["extra.test", "corp.example"], [new("ndots", "5"), new("single-request", null)]);
        (string merged, string? warning) = DnsConfigMerge.Merge(Host, config);
        Assert.Equal("""
            # the host's resolvers
            nameserver 10.0.0.2
            nameserver 192.0.2.53
            search corp.example extra.test
            options ndots:5 edns0 single-request

            """, merged);
        Assert.Null(warning);
    }

    [Fact]
    public void TheLastSearchOrDomainLineIsTheBase()
    {
        (string merged, _) = DnsConfigMerge.Merge("domain old.example\nsearch a.example b.example\nnameserver 10.0.0.2\n",
            new DnsConfig([], ["c.example"], []));
        Assert.Equal("nameserver 10.0.0.2\nsearch a.example b.example c.example\n", merged);
    }

    [Fact]
    public void AtMostThreeNameserversAreKeptAndTheRestNamed()
    {
        (string merged, string? warning) = DnsConfigMerge.Merge("nameserver 10.0.0.1\nnameserver 10.0.0.2\n",
            new DnsConfig(["192.0.2.1", "192.0.2.2"], [], []));
        Assert.Equal("nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 192.0.2.1\n", merged);
        Assert.Equal("dnsConfig: more than 3 nameservers with the host's; left out: 192.0.2.2", warning);
    }

    [Fact]
    public void AnEmptyBaseTakesDnsConfigAlone()
    {
        (string merged, _) = DnsConfigMerge.Merge("", new DnsConfig(["192.0.2.53"], [], [new("timeout", "2")]));
        Assert.Equal("nameserver 192.0.2.53\noptions timeout:2\n", merged);
    }
}

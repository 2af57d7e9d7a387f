using System.Text.Json.Nodes;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Network;

/// <summary>PodNetwork.MapsAnyOf: which cached attachments (of pods that ended without their
/// DEL) map a host port a starting pod publishes, and so must be released first.</summary>
public sealed class PodNetworkPortTests
{
    private static CniCacheEntry Entry(params JsonObject[] mappings) =>
        new("/var/lib/cni/results/x", "dead", CniConfigList.Parse("lab.conflist", """{"name": "lab", "cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]}"""),
            new CniAttachment("00112233445566778899aabbccddeeff", "", "eth0", []),
            mappings.Length == 0 ? new Dictionary<string, JsonNode>() : new Dictionary<string, JsonNode> { ["portMappings"] = new JsonArray(mappings) },
            null);

    private static JsonObject Mapping(int hostPort, string protocol = "tcp", string? hostIP = null)
    {
        var o = new JsonObject { ["hostPort"] = hostPort, ["containerPort"] = 80, ["protocol"] = protocol };
        if (hostIP is not null)
        {
            o["hostIP"] = hostIP;
        }
        return o;
    }

    private static PortMappingPlan Port(int hostPort, string protocol = "tcp", string hostIP = "") =>
        new() { HostPort = hostPort, ContainerPort = 80, Protocol = protocol, HostIP = hostIP };

    [Fact]
    public void TheSamePortProtocolAndAddressOrAWildcardIsMapped()
    {
        Assert.True(PodNetwork.MapsAnyOf(Entry(Mapping(9000), Mapping(8080)), [Port(8080)]));
        Assert.True(PodNetwork.MapsAnyOf(Entry(Mapping(8080, hostIP: "127.0.0.1")), [Port(8080)]));
        Assert.True(PodNetwork.MapsAnyOf(Entry(Mapping(8080)), [Port(8080, hostIP: "127.0.0.1")]));
        Assert.True(PodNetwork.MapsAnyOf(Entry(Mapping(8080, hostIP: "0.0.0.0")), [Port(8080, hostIP: "10.0.0.1")]));
    }

    [Fact]
    public void AnotherPortProtocolOrAddressOrNoMappingsIsNot()
    {
        Assert.False(PodNetwork.MapsAnyOf(Entry(Mapping(8081)), [Port(8080)]));
        Assert.False(PodNetwork.MapsAnyOf(Entry(Mapping(8080, "udp")), [Port(8080)]));
        Assert.False(PodNetwork.MapsAnyOf(Entry(Mapping(8080, hostIP: "127.0.0.1")), [Port(8080, hostIP: "127.0.0.2")]));
        Assert.False(PodNetwork.MapsAnyOf(Entry(), [Port(8080)]));
    }
}

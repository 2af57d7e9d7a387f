using System.Text.Json.Nodes;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CniResult: the interfaces and addresses a chain reported.</summary>
public sealed class CniResultTests
{
    private static CniResult Parse(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private const string BridgeResult = """
        {
          "cniVersion": "1.0.0",
          "interfaces": [
            {"name": "lab0", "mac": "aa:aa:aa:aa:aa:01"},
            {"name": "veth1a2b3c", "mac": "aa:aa:aa:aa:aa:02", "sandbox": ""},
            {"name": "eth0", "mac": "aa:aa:aa:aa:aa:03", "sandbox": "/run/podunits/netns/web"}
          ],
          "ips": [
            {"address": "fd00:121::5/64", "gateway": "fd00:121::1", "interface": 2},
            {"address": "10.121.0.5/16", "gateway": "10.121.0.1", "interface": 2}
          ],
          "dns": {}
        }
        """;

    [Fact]
    public void InterfacesAndAddressesAreRead()
    {
        CniResult result = Parse(BridgeResult);
        Assert.Equal(
            [
                new CniInterface("lab0", "aa:aa:aa:aa:aa:01", null),
                new CniInterface("veth1a2b3c", "aa:aa:aa:aa:aa:02", ""),
                new CniInterface("eth0", "aa:aa:aa:aa:aa:03", "/run/podunits/netns/web"),
            ],
            result.Interfaces);
        Assert.Equal(
            [
                new CniAddress("fd00:121::5/64", "fd00:121::1", 2),
                new CniAddress("10.121.0.5/16", "10.121.0.1", 2),
            ],
            result.Addresses);
    }

    [Fact]
    public void PodIPsHaveNoPrefixAndIPv4ComesFirst()
    {
        Assert.Equal(["10.121.0.5", "fd00:121::5"], Parse(BridgeResult).PodIPs);
    }

    [Fact]
    public void PodIPsKeepTheResultsOrderWithinAFamily()
    {
        CniResult result = Parse("""
            {"ips": [
              {"address": "fd00::9/64"}, {"address": "10.0.0.9/8"}, {"address": "fd00::1/64"}, {"address": "10.0.0.1/8"}, {"address": "192.168.1.1"}
            ]}
            """);
        Assert.Equal(["10.0.0.9", "10.0.0.1", "192.168.1.1", "fd00::9", "fd00::1"], result.PodIPs);
    }

    [Fact]
    public void HostInterfacesAreThoseWithoutASandbox()
    {
        Assert.Equal(["lab0", "veth1a2b3c"], Parse(BridgeResult).HostInterfaces.Select(i => i.Name));
    }

    [Fact]
    public void EntriesWithoutNameOrAddressAreSkipped()
    {
        CniResult result = Parse("""
            {"interfaces": [{"mac": "aa:aa:aa:aa:aa:01"}, "eth0", {"name": "eth0"}],
             "ips": [{"gateway": "10.0.0.1"}, 5, {"address": "10.0.0.2/24", "interface": "zero"}]}
            """);
        CniInterface only = Assert.Single(result.Interfaces);
        Assert.Equal(new CniInterface("eth0", null, null), only);
        Assert.Equal(new CniAddress("10.0.0.2/24", null, null), Assert.Single(result.Addresses));
    }

    [Fact]
    public void MistypedFieldsAreSkippedLikeMissingOnes()
    {
        Exception? e = Record.Exception(() => Parse("""
            {"interfaces": [{"name": 5}, {"name": "eth0", "mac": 7}],
             "ips": [{"address": ["10.0.0.2/24"]}, {"address": "10.0.0.3/24", "gateway": false}]}
            """));
        Assert.Null(e);
    }

    [Fact]
    public void AnEmptyResultHasNothing()
    {
        CniResult result = Parse("""{"cniVersion": "1.0.0"}""");
        Assert.Empty(result.Interfaces);
        Assert.Empty(result.Addresses);
        Assert.Empty(result.PodIPs);
        Assert.Empty(result.HostInterfaces);
        Assert.Equal("""{"cniVersion":"1.0.0"}""", result.Json.ToJsonString());
    }

    [Fact]
    public void TheJsonIsKeptAsGiven()
    {
        var json = (JsonObject)JsonNode.Parse(BridgeResult)!;
        Assert.Same(json, new CniResult(json).Json);
    }
}

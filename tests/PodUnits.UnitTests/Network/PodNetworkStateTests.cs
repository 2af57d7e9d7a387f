using System.Text.Json.Nodes;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Network;

/// <summary>PodNetwork.StateJson: what status and list show of a pod's network.</summary>
public sealed class PodNetworkStateTests
{
    [Fact]
    public void StateHoldsNetworkAddressesInterfacesAndPorts()
    {
        var result = new CniResult((JsonObject)JsonNode.Parse("""
            {"cniVersion": "1.0.0",
             "interfaces": [{"name": "lab0", "mac": "aa:aa:aa:aa:aa:01"}, {"name": "eth0", "mac": "aa:aa:aa:aa:aa:02", "sandbox": "/proc/1/ns/net"}, {"name": "lo"}],
             "ips": [{"address": "fd00::5/64", "interface": 1}, {"address": "10.121.0.5/16", "interface": 1}]}
            """)!);
        PortMappingPlan[] ports =
        [
            new() { HostPort = 8080, ContainerPort = 80, Protocol = "tcp" },
            new() { HostPort = 5353, ContainerPort = 53, Protocol = "udp", HostIP = "127.0.0.1" },
        ];
        Assert.Equal(
            """{"network":"lab","containerId":"m-1","ips":["10.121.0.5","fd00::5"],"interfaces":[{"name":"lab0","mac":"aa:aa:aa:aa:aa:01","inPod":false},"""
            + """{"name":"eth0","mac":"aa:aa:aa:aa:aa:02","inPod":true},{"name":"lo","mac":null,"inPod":false}],"ports":["8080/tcp","127.0.0.1:5353/udp"]}""",
            PodNetwork.StateJson("lab", "m-1", result, ports));
    }

    [Fact]
    public void AnEmptyResultGivesEmptyLists()
    {
        Assert.Equal("""{"network":"podunits","containerId":"m-2","ips":[],"interfaces":[],"ports":[]}""",
            PodNetwork.StateJson("podunits", "m-2", new CniResult(new JsonObject()), []));
    }

    [Fact]
    public void InterfaceNameIsEth0()
    {
        Assert.Equal("eth0", PodNetwork.InterfaceName);
    }
}

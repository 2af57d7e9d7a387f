using System.Net.Sockets;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CniIpam.AddressFamilies: the families a pod gets, read from host-local's ranges and
/// static's addresses, or null when the file cannot tell.</summary>
public sealed class CniIpamTests
{
    private static IReadOnlySet<AddressFamily>? Families(string ipam) => CniIpam.AddressFamilies(CniConfigList.Parse("/etc/podunits/net.d/lab.conflist",
        $$"""{"name": "lab", "cniVersion": "1.0.0", "plugins": [{"type": "bridge", "ipam": {{ipam}}}]}"""));

    [Fact]
    public void RangesAndAddressesGiveTheirFamilies()
    {
        Assert.Equal([AddressFamily.InterNetwork, AddressFamily.InterNetworkV6],
            Families("""{"type": "host-local", "ranges": [[{"subnet": "10.1.0.0/24"}], [{"subnet": "fd00:1::/64"}]]}""")!.Order());
        Assert.Equal([AddressFamily.InterNetworkV6], Families("""{"type": "static", "addresses": [{"address": "fd00:1::5/64"}]}"""));
    }

    /// <summary>Network review of 2026-12-07, finding 4: a range or an address written as a bare
    /// string was "internal error: The node must be of type 'JsonObject'" at validate and at every
    /// start. The family is unknown then, as with dhcp; the plugin's own error names the field.</summary>
    [Theory]
    [InlineData("""{"type": "host-local", "ranges": [["10.1.0.0/24"]]}""")]
    [InlineData("""{"type": "host-local", "ranges": [[7]]}""")]
    [InlineData("""{"type": "static", "addresses": ["10.1.0.5/24"]}""")]
    [InlineData("""{"type": "static", "addresses": [["10.1.0.5/24"]]}""")]
    public void ARangeOrAddressThatIsNoObjectLeavesTheFamiliesUnknown(string ipam)
    {
        Assert.Null(Families(ipam));
    }
}

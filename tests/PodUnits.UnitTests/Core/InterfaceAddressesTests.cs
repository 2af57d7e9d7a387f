using System.Net.NetworkInformation;
using PodUnits.Core.Native;

namespace PodUnits.UnitTests.Core;

/// <summary>getifaddrs (what container-start uses for status.podIP) against .NET's own view
/// of this machine's interfaces.</summary>
public sealed class InterfaceAddressesTests
{
    [Fact]
    public void AgreesWithNetworkInformation()
    {
        var expected = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(a => a.Address.ToString().Split('%')[0])) // getifaddrs gives no scope
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, LibcExtra.InterfaceAddresses().Select(a => a.ToString()).Order(StringComparer.Ordinal));
    }
}

using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>Which pods wait for network-online.target at boot.</summary>
public sealed class NetworkOrderingTests
{
    private static string DropIn(string annotations, string container) =>
        DropInRenderer.Render(PodUnitSettingsMapper.Map(PodDefinitionLoader.LoadText($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations: {{{annotations}}}
            spec:
              containers: [{{container}}]
            """, "/etc/podunits/pods/web.yaml").GetPodOrThrow(), "/etc/podunits/pods/web.yaml", null));

    private const string Local = "{name: app, image: \"dir:/srv/root\"}";

    [Fact]
    public void APodOnANetworkOfItsOwnChoosingWaitsForTheHostsNetwork() =>
        // A macvlan master or a DHCP server may not be there before network-online.target.
        Assert.Contains("\nWants=network-online.target\nAfter=network-online.target\n", DropIn("podunits.io/network: lan", Local), StringComparison.Ordinal);

    /// <summary>Network review of 2026-12-06, finding 1: such a pod still copies the host's
    /// DNS servers at its start, and at boot before DHCP had given resolved any, it kept a
    /// resolv.conf without one for its whole life.</summary>
    [Fact]
    public void APodOnTheDefaultBridgeWithALocalImageWaitsForTheHostsDnsServers() =>
        Assert.Contains("After=network-online.target", DropIn("", Local), StringComparison.Ordinal);

    [Fact]
    public void APodOnTheDefaultBridgeWithALocalImageNoPortsAndItsOwnDnsDoesNot() =>
        Assert.DoesNotContain("network-online", DropIn("podunits.io/dns: none", Local), StringComparison.Ordinal);

    [Fact]
    public void APodThatPublishesAPortDoes() =>
        Assert.Contains("After=network-online.target", DropIn("", "{name: app, image: \"dir:/srv/root\", ports: [{containerPort: 80, hostPort: 8080}]}"), StringComparison.Ordinal);
}

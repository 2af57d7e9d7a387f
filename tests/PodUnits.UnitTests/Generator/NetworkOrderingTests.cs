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

    [Fact]
    public void APodOnTheDefaultBridgeWithALocalImageAndNoPortsDoesNot() =>
        Assert.DoesNotContain("network-online", DropIn("", Local), StringComparison.Ordinal);

    [Fact]
    public void APodThatPublishesAPortDoes() =>
        Assert.Contains("After=network-online.target", DropIn("", "{name: app, image: \"dir:/srv/root\", ports: [{containerPort: 80, hostPort: 8080}]}"), StringComparison.Ordinal);
}

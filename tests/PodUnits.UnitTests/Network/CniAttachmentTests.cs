using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CniAttachment.ArgsText: CNI_ARGS as the kubelet passes them.</summary>
public sealed class CniAttachmentTests
{
    [Fact]
    public void ArgsStartWithIgnoreUnknownAndKeepTheirOrder()
    {
        var attachment = new CniAttachment("0123abcd", "/run/podunits/netns/web", "eth0",
        [
            new("K8S_POD_NAMESPACE", "default"),
            new("K8S_POD_NAME", "web"),
            new("K8S_POD_INFRA_CONTAINER_ID", "0123abcd"),
        ]);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=0123abcd", attachment.ArgsText);
    }

    [Fact]
    public void NoArgsIsJustIgnoreUnknown()
    {
        Assert.Equal("IgnoreUnknown=1", new CniAttachment("id", "", "eth0", []).ArgsText);
    }

    [Fact]
    public void EmptyValuesAreKept()
    {
        Assert.Equal("IgnoreUnknown=1;IP=", new CniAttachment("id", "", "eth0", [new("IP", "")]).ArgsText);
    }
}

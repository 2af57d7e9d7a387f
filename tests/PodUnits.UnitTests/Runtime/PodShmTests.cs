using PodUnits.Runtime.Init;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The pod's one /dev/shm (confinement review of 2026-12-07, finding 2): Docker's 64
/// MiB, sticky and world-writable, and in a pod with its own user namespace the namespace
/// root's, whose host ID is the mapping's first.</summary>
public sealed class PodShmTests
{
    [Fact]
    public void HostUsersPodGetsAPlainSharedTmpfs() =>
        Assert.Equal("mode=1777,size=65536k", PodShm.Options(null));

    [Fact]
    public void UserNamespacePodGivesItToTheNamespaceRoot() =>
        Assert.Equal("mode=1777,size=65536k,uid=655360,gid=655360", PodShm.Options(new IdMapping(655360, 65536)));

    [Fact]
    public void ItLivesInThePodsPrivateRun() =>
        Assert.Equal("/run/podunits/shm", PodShm.Path);
}

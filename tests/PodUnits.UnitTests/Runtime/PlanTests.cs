using PodUnits.Core.Errors;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class PlanTests
{
    private static readonly RootfsResolver.Image Busybox = new("/rootfs/busybox", null, ["sh"], ["PATH=/bin"]);

    private static ContainerLite Container(string name, IReadOnlyList<string>? command = null, string? memory = null,
        IReadOnlyList<(string, string, bool)>? mounts = null, long? uid = null) =>
        new(name, "busybox", command, null, [("A", "1")], null, mounts ?? [], memory, "500m", uid, null, false, false, false,
            [], [], null, null, null);

    private static PodSpecLite Pod(IReadOnlyList<ContainerLite> containers, IReadOnlyList<VolumeLite>? volumes = null,
        IReadOnlyList<ContainerLite>? init = null, string? dnsPolicy = null) =>
        new("web", null, false, null, dnsPolicy, ["10.0.0.1"], ["example.org"], [("10.1.1.1", ["db", "db.local"])],
            null, null, volumes ?? [], init ?? [], containers);

    [Fact]
    public void ContainerGetsImageCmdEnvLimitsAndLayers()
    {
        PodPlan plan = PlanBuilder.Build(Pod([Container("app", memory: "64Mi")]), "00112233445566778899aabbccddeeff", _ => Busybox);
        ContainerPlan c = Assert.Single(plan.Containers);
        Assert.Equal(["sh"], c.Argv);
        Assert.Equal(["PATH=/bin", "HOSTNAME=web", "A=1", "HOME=/root"], c.Env);
        Assert.Equal(64UL << 20, c.MemoryMaxBytes);
        Assert.Equal(500UL, c.CpuMillicores);
        Assert.Equal("/var/lib/podunits/pods/web/containers/app", c.LayerDir);
        Assert.True(c.NoNewPrivileges);
        Assert.Equal("web", plan.Hostname);
        Assert.Equal(["10.1.1.1\tdb db.local"], plan.HostsLines);
    }

    [Fact]
    public void InitContainersComeFirstAndNamesMustBeUnique()
    {
        PodPlan plan = PlanBuilder.Build(Pod([Container("app")], init: [Container("setup")]), "00112233445566778899aabbccddeeff", _ => Busybox);
        Assert.Equal(["setup", "app"], plan.Containers.Select(c => c.Name));
        Assert.True(plan.Containers[0].Init);
        Assert.Throws<BadInputException>(() =>
            PlanBuilder.Build(Pod([Container("app"), Container("app")]), "00112233445566778899aabbccddeeff", _ => Busybox));
    }

    [Fact]
    public void VolumesResolveToHostPathsAndPodDirs()
    {
        PodPlan plan = PlanBuilder.Build(Pod([Container("app", mounts: [("data", "/data", false), ("cache", "/cache", true), ("host", "/h", true)])],
            [new VolumeLite("data", null, true, false, null), new VolumeLite("cache", null, true, true, "16Mi"), new VolumeLite("host", "/srv", false, false, null)]),
            "00112233445566778899aabbccddeeff", _ => Busybox);
        Assert.Equal(["/var/lib/podunits/pods/web/volumes/data", "/run/podunits/volumes/cache", "/srv"],
            plan.Containers[0].Mounts.Select(m => m.Source));
        Assert.Equal(16UL << 20, plan.EmptyDirs.Single(v => v.Memory).SizeLimitBytes);
    }

    [Fact]
    public void UnknownVolumeIsBadInput()
    {
        var e = Assert.Throws<BadInputException>(() =>
            PlanBuilder.Build(Pod([Container("app", mounts: [("nope", "/x", false)])]), "00112233445566778899aabbccddeeff", _ => Busybox));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAsUserSetsGroupToo()
    {
        ContainerPlan c = PlanBuilder.Build(Pod([Container("app", uid: 1000)]), "00112233445566778899aabbccddeeff", _ => Busybox).Containers[0];
        Assert.Equal((1000u, 1000u), (c.Uid, c.Gid));
        Assert.Contains("HOME=/", c.Env);
    }

    [Fact]
    public void DnsPolicyNoneWritesDnsConfigOthersCopyTheHost()
    {
        Assert.Equal("nameserver 10.0.0.1\nsearch example.org\n", PlanBuilder.ResolvConf(Pod([], dnsPolicy: "None")));
        Assert.Null(PlanBuilder.ResolvConf(Pod([], dnsPolicy: "ClusterFirst")));
    }

    [Theory]
    [InlineData("64Mi", 67108864UL)]
    [InlineData("1G", 1000000000UL)]
    [InlineData("1.5Gi", 1610612736UL)]
    [InlineData("12345", 12345UL)]
    public void MemoryQuantities(string text, ulong bytes) => Assert.Equal(bytes, Quantity.Bytes(text));

    [Theory]
    [InlineData("500m", 500UL)]
    [InlineData("2", 2000UL)]
    [InlineData("0.25", 250UL)]
    public void CpuQuantities(string text, ulong millicores) => Assert.Equal(millicores, Quantity.Millicores(text));

    [Fact]
    public void UnitNamesEscapeDashesSoPodAndContainerStaySeparable()
    {
        Assert.Equal("podunits-my\\x2dpod-web.scope", ContainerUnits.ScopeName("my-pod", "web"));
        Assert.Equal("podunits-my-pod\\x2dweb.scope", ContainerUnits.ScopeName("my", "pod-web"));
        Assert.Equal("machine-podunits-my\\x2dpod.slice", ContainerUnits.SliceName("my-pod"));
    }
}

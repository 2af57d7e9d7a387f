using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class CapabilitiesTests
{
    [Fact]
    public void DefaultIsDockersFourteen()
    {
        List<int> set = Capabilities.BoundingSet(false, null, null);
        Assert.Equal(14, set.Count);
        Assert.Contains(Capabilities.Number("NET_BIND_SERVICE"), set);
        Assert.DoesNotContain(Capabilities.Number("SYS_ADMIN"), set);
    }

    [Fact]
    public void NumbersMatchLinuxCapabilityH()
    {
        Assert.Equal(0, Capabilities.Number("CHOWN"));
        Assert.Equal(12, Capabilities.Number("CAP_NET_ADMIN"));
        Assert.Equal(21, Capabilities.Number("SYS_ADMIN"));
        Assert.Equal(40, Capabilities.Number("CHECKPOINT_RESTORE"));
    }

    [Fact]
    public void AddAndDropApplyAfterTheDefault()
    {
        List<int> set = Capabilities.BoundingSet(false, ["NET_ADMIN"], ["KILL", "cap_chown"]);
        Assert.Contains(12, set);
        Assert.DoesNotContain(Capabilities.Number("KILL"), set);
        Assert.DoesNotContain(0, set);
        Assert.Equal(13, set.Count);
    }

    [Fact]
    public void DropAllThenAddKeepsOnlyTheAdded() =>
        Assert.Equal([Capabilities.Number("NET_BIND_SERVICE")], Capabilities.BoundingSet(false, ["NET_BIND_SERVICE"], ["ALL"]));

    [Fact]
    public void PrivilegedGetsEverything() =>
        Assert.Equal(Capabilities.Last + 1, Capabilities.BoundingSet(true, null, null).Count);

    [Fact]
    public void UnknownCapabilityIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Capabilities.BoundingSet(false, ["NET_ADMN"], null));
        Assert.Contains("NET_ADMN", e.Message, StringComparison.Ordinal);
    }
}

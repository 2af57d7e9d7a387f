using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class CapabilitiesTests
{
    [Fact]
    public void DefaultIsPodmansEleven()
    {
        List<int> set = Capabilities.BoundingSet(false, null, null);
        Assert.Equal([0, 1, 3, 4, 5, 6, 7, 8, 10, 18, 31], set); // CHOWN ... SETFCAP, as podman's containers.conf
        Assert.DoesNotContain(Capabilities.Number("NET_RAW"), set);
        Assert.DoesNotContain(Capabilities.Number("MKNOD"), set);
        Assert.DoesNotContain(Capabilities.Number("AUDIT_WRITE"), set);
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
        Assert.Equal(10, set.Count);
    }

    [Fact]
    public void DropAllThenAddKeepsOnlyTheAdded() =>
        Assert.Equal([Capabilities.Number("NET_BIND_SERVICE")], Capabilities.BoundingSet(false, ["NET_BIND_SERVICE"], ["ALL"]));

    /// <summary>Review of 2026-12-05: drops came before adds, so "add: [ALL], drop: [SYS_ADMIN]"
    /// kept SYS_ADMIN (and the seccomp filter compiled for it allowed mount and unshare).
    /// containerd's order: ALL in add, ALL in drop, each add, each drop.</summary>
    [Fact]
    public void DropsWinOverAddsAsInContainerd()
    {
        List<int> all = Capabilities.BoundingSet(false, ["ALL"], ["SYS_ADMIN", "cap_net_admin"]);
        Assert.Equal(Capabilities.Last + 1 - 2, all.Count);
        Assert.DoesNotContain(Capabilities.Number("SYS_ADMIN"), all);
        Assert.DoesNotContain(Capabilities.Number("NET_ADMIN"), all);
        Assert.DoesNotContain(12, Capabilities.BoundingSet(false, ["NET_ADMIN"], ["NET_ADMIN"]));
        Assert.Equal([Capabilities.Number("KILL")], Capabilities.BoundingSet(false, ["ALL", "KILL"], ["ALL"]));
    }

    [Fact]
    public void PrivilegedGetsEverything() =>
        Assert.Equal(Capabilities.Last + 1, Capabilities.BoundingSet(true, null, null).Count);

    /// <summary>Review of 2026-12-05: a hardened default's `drop: [ALL]` beside `privileged:
    /// true` left a privileged container with no capability; containerd and CRI-O give it all.</summary>
    [Fact]
    public void PrivilegedIgnoresDrop() =>
        Assert.Equal(Capabilities.Last + 1, Capabilities.BoundingSet(true, null, ["ALL", "NET_ADMIN"]).Count);

    [Fact]
    public void UnknownCapabilityIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Capabilities.BoundingSet(false, ["NET_ADMN"], null));
        Assert.Contains("NET_ADMN", e.Message, StringComparison.Ordinal);
    }
}

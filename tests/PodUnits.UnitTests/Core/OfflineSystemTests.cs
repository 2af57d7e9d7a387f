using PodUnits.Core.Linux;
using PodUnits.UnitTests.Network;

namespace PodUnits.UnitTests.Core;

/// <summary>A chroot as systemd's running_in_chroot() tells it: a root that is not PID 1's,
/// or no procfs at all. The procfs here is a stand-in directory (1/root, self), as PID 1's
/// root may not be ours to look at where the tests run.</summary>
public sealed class OfflineSystemTests
{
    [Fact]
    public void ARootThatIsNotPidOnesIsAChroot()
    {
        using var dir = new TempDir();
        string proc = dir.Dir("proc");
        dir.Dir("proc/self");
        dir.Dir("proc/1");
        File.CreateSymbolicLink($"{proc}/1/root", "/");
        Assert.False(OfflineSystem.InChroot("/", proc));
        Assert.True(OfflineSystem.InChroot(dir.Dir("elsewhere"), proc));
    }

    [Fact]
    public void NoProcfsIsAChrootAndOneThatHidesPidOnesRootTellsNothing()
    {
        using var dir = new TempDir();
        Assert.True(OfflineSystem.InChroot("/", dir.Dir("no-proc")));
        dir.Dir("hiding/self");
        Assert.False(OfflineSystem.InChroot("/", Path.Join(dir.Path, "hiding")));
    }
}

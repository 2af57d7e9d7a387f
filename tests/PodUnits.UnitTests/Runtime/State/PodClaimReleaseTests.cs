using PodUnits.Core.Native;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Lifecycle review of 2026-12-07, finding 6: gc's release of an ended ad-hoc pod
/// unlinked the lock file (DeleteAdHoc), and WhileUnclaimedAsync then unlinked the path once
/// more, by then a start's new lock: the running pod looked stopped to stop, list and status.
/// Runs as root, as CI does (the claims are in /run/podunits/state).</summary>
public sealed class PodClaimReleaseTests : IDisposable
{
    private readonly string _pod = $"unit-test-release-{Guid.NewGuid():N}"[..32];
    private PodClaim? _start;

    public void Dispose()
    {
        if (_start is not null)
        {
            LibcExtra.close(_start.Fd);
        }
        PodClaim.TryCollect(_pod);
    }

    [Fact]
    public async Task AClaimTakenAfterTheActionReleasedThePodKeepsItsLockFile()
    {
        bool released = await PodClaim.WhileUnclaimedAsync(_pod, () =>
        {
            File.Delete(PodClaim.LockPath(_pod)); // as DeleteAdHoc does, holding the lock
            _start = PodClaim.Acquire(_pod); // a start in that moment: a new file, locked
            return Task.CompletedTask;
        }, onBusy: null);

        Assert.True(released);
        Assert.True(File.Exists(PodClaim.LockPath(_pod)));
        Assert.True(PodClaim.IsHeld(_pod));
    }

    [Fact]
    public async Task ALockFileMadeForAPodWithoutStateIsStillRemoved()
    {
        bool released = await PodClaim.WhileUnclaimedAsync(_pod, () => Task.CompletedTask, onBusy: null);

        Assert.True(released);
        Assert.False(File.Exists(PodClaim.LockPath(_pod)));
    }
}

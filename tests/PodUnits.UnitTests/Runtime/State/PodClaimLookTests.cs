using PodUnits.Core.Native;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Network review of 2026-12-07, finding 2: WhileUnclaimedAsync took IsHeld's passing
/// shared lock (another start's port check, status, list) for a running pod, and a killed
/// pod's DNAT rules were left in front of a new pod's ports. It retries as Acquire does now.
/// The look is dropped from TryLockExclusive's hook, after the first try met it, not after a
/// sleep that raced the retries (merged network review of 2026-12-07, finding 7).
/// Runs as root, as CI does (the claims are in /run/podunits/state).</summary>
public sealed class PodClaimLookTests : IDisposable
{
    private readonly string _pod = $"unit-test-claim-{Guid.NewGuid():N}"[..32];
    private int _look = -1;
    private bool _ran;

    public void Dispose()
    {
        if (_look >= 0)
        {
            LibcExtra.close(_look);
        }
        PodClaim.TryCollect(_pod);
    }

    /// <summary>A shared lock on the pod's lock file, as IsHeld takes to look.</summary>
    private void Look()
    {
        PodPaths.CreateRuntimeRoot();
        string path = PodClaim.LockPath(_pod);
        _look = LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_CLOEXEC, 0x180);
        Assert.True(_look >= 0, $"cannot open {path}");
        Assert.Equal(0, LibcExtra.flock(_look, LibcExtra.LOCK_SH | LibcExtra.LOCK_NB));
    }

    /// <summary>WhileUnclaimedAsync of an action that notes it ran.</summary>
    private Task<bool> WhileUnclaimedAsync(Action onBusy) => PodClaim.WhileUnclaimedAsync(_pod, () =>
    {
        _ran = true;
        return Task.CompletedTask;
    }, onBusy);

    [Fact]
    public async Task APassingLookAtTheLockIsNoRunningPod()
    {
        Look();
        int busy = 0;

        bool released = await WhileUnclaimedAsync(() =>
        {
            // Given up after the first try met it, as IsHeld gives it up.
            busy++;
            LibcExtra.close(_look);
            _look = -1;
        });

        Assert.Equal(1, busy); // the retry, not the first try, took the lock
        Assert.True(released);
        Assert.True(_ran);
    }

    [Fact]
    public async Task ALockHeldThroughTheRetriesIsARunningPod()
    {
        Look();
        int busy = 0;

        bool released = await WhileUnclaimedAsync(() => busy++);

        Assert.Equal(1, busy);
        Assert.False(released);
        Assert.False(_ran);
    }
}

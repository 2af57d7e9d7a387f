using PodUnits.Core.Native;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Network review of 2026-12-07, finding 2: WhileUnclaimedAsync took IsHeld's passing
/// shared lock (another start's port check, status, list) for a running pod, and a killed
/// pod's DNAT rules were left in front of a new pod's ports. It retries as Acquire does now.
/// Runs as root, as CI does (the claims are in /run/podunits/state).</summary>
public sealed class PodClaimLookTests : IDisposable
{
    private readonly string _pod = $"unit-test-claim-{Guid.NewGuid():N}"[..32];

    public void Dispose() => PodClaim.TryCollect(_pod);

    [Fact]
    public async Task APassingLookAtTheLockIsNoRunningPod()
    {
        PodPaths.CreateRuntimeRoot();
        string path = PodClaim.LockPath(_pod);
        int look = LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_CLOEXEC, 0x180);
        Assert.True(look >= 0, $"cannot open {path}");
        Assert.Equal(0, LibcExtra.flock(look, LibcExtra.LOCK_SH | LibcExtra.LOCK_NB));
        // Given up a moment later, as IsHeld gives it up; the first try meets it.
        var looking = new Thread(() =>
        {
            Thread.Sleep(10);
            LibcExtra.close(look);
        });
        looking.Start();
        bool ran = false;

        bool released = await PodClaim.WhileUnclaimedAsync(_pod, () =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        looking.Join();
        Assert.True(released);
        Assert.True(ran);
    }
}

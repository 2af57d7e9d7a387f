using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary><see cref="ControlChannel.Shutdown"/> over a real socket pair (apart from
/// ControlChannelTests, whose unsafe context allows no await).</summary>
public sealed class ControlChannelShutdownTests
{
    /// <summary>A receive waiting for the end of a stream whose other end someone else keeps a
    /// copy of (a container that took it from the process it can trace) returns once this end
    /// is shut down: an exec probe that timed out must not leave a thread blocked for ever.</summary>
    [Fact]
    public async Task ShutdownEndsAReceiveBlockedOnAnotherThread()
    {
        (int mine, int theirs) = Spawner.SocketPair();
        int kept = Tmds.Linux.LibC.dup(theirs);
        try
        {
            using var channel = new ControlChannel(mine);
            var receiving = Task.Run(() => channel.Receive(out int[] _));
            await Task.Delay(200);
            Assert.False(receiving.IsCompleted); // blocked: both copies of the other end are open
            channel.Shutdown();
            Assert.Null(await receiving.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            LibcExtra.close(theirs);
            LibcExtra.close(kept);
        }
    }
}

using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The executor ↔ pod init (and exec launcher ↔ container-exec) message channel over
/// a real socket pair: words, descriptors passed with SCM_RIGHTS, end of stream.</summary>
public sealed unsafe class ControlChannelTests
{
    /// <summary>An odd count once came out one too many (a padded cmsg_len sent the sender's
    /// fd 0 along): exactly what was sent must arrive.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(128)]
    public void MessagesArriveWithExactlyTheDescriptorsSent(int count)
    {
        (int a, int b) = Spawner.SocketPair();
        using var sender = new ControlChannel(a);
        using var receiver = new ControlChannel(b);
        var pipes = Enumerable.Range(0, count).Select(_ => Spawner.Pipe()).ToList();
        Assert.True(sender.Send("leader 1 more words here", pipes.Select(p => p.Write).ToArray()));
        string[]? words = receiver.Receive(out int[] fds);
        Assert.Equal(["leader", "1", "more words here"], words!);
        Assert.Equal(count, fds.Length);
        for (int i = 0; i < count; i++)
        {
            // The received descriptor is the same pipe: a byte written through it comes out.
            byte x = (byte)i;
            Assert.Equal(1, LibcExtra.write(fds[i], &x, 1));
            byte y = 0;
            Assert.Equal(1, LibcExtra.read(pipes[i].Read, &y, 1));
            Assert.Equal(x, y);
            LibcExtra.close(fds[i]);
        }
        foreach ((int read, int write) in pipes)
        {
            LibcExtra.close(read);
            LibcExtra.close(write);
        }
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 20)]
    [InlineData(2, 24)]
    public void RightsLengthIsTheKernelsCmsgLen(int fds, int length) => Assert.Equal(length, ControlChannel.RightsLength(fds));

    [Fact]
    public void EndOfStreamWhenThePeerIsGone()
    {
        (int a, int b) = Spawner.SocketPair();
        var sender = new ControlChannel(a);
        using var receiver = new ControlChannel(b);
        sender.Send("exiting 0");
        sender.Dispose();
        Assert.Equal(["exiting", "0"], receiver.Receive()!);
        Assert.Null(receiver.Receive());
        Assert.False(sender.Send("late"));
    }
}

using PodUnits.Core.Native;
using PodUnits.Runtime.Attach;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The attach protocol's packets over a real sequenced-packet socket pair.</summary>
public sealed class AttachPacketTests
{
    [Fact]
    public void PacketsKeepTheirKindAndBytesAndALongPayloadIsSplit()
    {
        (int a, int b) = Spawner.SocketPair();
        try
        {
            byte[] big = [.. Enumerable.Range(0, AttachPacket.MaxPayload + 100).Select(i => (byte)i)];
            Assert.True(AttachPacket.Send(a, AttachKind.Output, big));
            Assert.True(AttachPacket.SendWindowSize(a, 33, 101));
            Assert.True(AttachPacket.SendExit(a, 130));
            byte[] buffer = new byte[AttachPacket.MaxPayload + 1];

            Assert.Equal((AttachKind.Output, AttachPacket.MaxPayload), AttachPacket.Receive(b, buffer));
            Assert.Equal(big.AsSpan(0, AttachPacket.MaxPayload).ToArray(), buffer.AsSpan(1, AttachPacket.MaxPayload).ToArray());
            Assert.Equal((AttachKind.Output, 100), AttachPacket.Receive(b, buffer));
            Assert.Equal(big.AsSpan(AttachPacket.MaxPayload).ToArray(), buffer.AsSpan(1, 100).ToArray());

            Assert.Equal((AttachKind.WindowSize, 4), AttachPacket.Receive(b, buffer));
            Assert.Equal(((ushort)33, (ushort)101), AttachPacket.WindowSizeOf(buffer.AsSpan(1, 4)));
            Assert.Equal((AttachKind.Exit, 4), AttachPacket.Receive(b, buffer));
            Assert.Equal(130, AttachPacket.ExitCodeOf(buffer.AsSpan(1, 4)));

            LibcExtra.close(a);
            a = -1;
            Assert.Null(AttachPacket.Receive(b, buffer)); // the peer is gone
            Assert.False(AttachPacket.Send(b, AttachKind.Input, [1])); // and sending says so, without SIGPIPE
        }
        finally
        {
            if (a >= 0)
            {
                LibcExtra.close(a);
            }
            LibcExtra.close(b);
        }
    }

    [Fact]
    public void MalformedSizesAndCodesAreNone()
    {
        Assert.Null(AttachPacket.WindowSizeOf([1, 2, 3]));
        Assert.Null(AttachPacket.ExitCodeOf([1, 2, 3, 4, 5]));
    }
}

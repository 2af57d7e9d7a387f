using System.Text;
using Microsoft.Win32.SafeHandles;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The stream to the host's journald: a stream journald closed (it was stopped) is
/// connected again, and said, since what journald had not read of it is gone.</summary>
public sealed class StreamLogTargetTests
{
    /// <summary>Journal review of 2026-12-06, finding 1: the reconnection was silent.</summary>
    [Fact]
    public void AStreamJournaldClosedIsConnectedAgainAndSaid()
    {
        var peers = new List<int>();
        var warnings = new List<string>();
        SafeFileHandle Connect()
        {
            (int mine, int journald) = Spawner.SocketPair();
            peers.Add(journald);
            return new SafeFileHandle(mine, ownsHandle: true);
        }
        using var target = new StreamLogTarget("of the host", Connect) { Warn = warnings.Add };
        try
        {
            target.Deliver("first\n"u8);
            Assert.Equal("first\n", Read(peers[0]));
            Assert.Empty(warnings);
            PodUnits.Core.Native.LibcExtra.close(peers[0]); // journald stopped
            target.Deliver("second\n"u8);
            Assert.Equal(2, peers.Count);
            Assert.Equal("second\n", Read(peers[1]));
            Assert.Contains("journald closed the stream", Assert.Single(warnings), StringComparison.Ordinal);
            target.Deliver("third\n"u8);
            Assert.Equal("third\n", Read(peers[1]));
            Assert.Single(warnings);
        }
        finally
        {
            foreach (int fd in peers.Skip(1))
            {
                PodUnits.Core.Native.LibcExtra.close(fd);
            }
        }
    }

    private static unsafe string Read(int fd)
    {
        byte* buffer = stackalloc byte[256];
        long n = Tmds.Linux.LibC.read(fd, buffer, 256);
        Assert.True(n > 0, $"read: {n}");
        return Encoding.UTF8.GetString(buffer, (int)n);
    }
}

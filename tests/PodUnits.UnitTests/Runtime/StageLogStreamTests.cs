using System.Text;
using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Errors;
using PodUnits.Runtime.Logging;
using static Tmds.Linux.LibC;

namespace PodUnits.UnitTests.Runtime;

/// <summary>
/// Logging review of 2026-12-07, finding 1: after `systemctl stop systemd-journald` and a
/// start, the unit's stderr is a stream journald closed, and systemd never connects it
/// again; .NET's Console swallowed the EPIPE, so stage 1's lines (the warnings counting lost
/// lines among them) went nowhere. A new stream takes the dead one's place.
/// </summary>
public sealed unsafe class StageLogStreamTests
{
    private static SafeFileHandle NoReopening() => throw new InvalidOperationException("the stream is alive: nothing to reopen");

    [Fact]
    public void ALineToAStreamJournaldClosedGoesToANewStreamPutInItsPlace()
    {
        (int stderr, int oldJournald) = StreamPair();
        int stdout = dup(stderr); // systemd connects a unit's stdout and stderr to one stream
        (int fresh, int journald) = StreamPair();
        _ = close(oldJournald); // journald stopped
        try
        {
            Assert.True(StageLog.WriteToStream(stderr, "<4>first\n"u8, () => new SafeFileHandle(fresh, ownsHandle: true), alsoOnto: stdout));
            Assert.True(StageLog.WriteToStream(stderr, "<3>second\n"u8, NoReopening));
            Assert.True(StageLog.WriteToStream(stdout, "<6>third\n"u8, NoReopening));
        }
        finally
        {
            _ = close(stderr);
            _ = close(stdout);
        }
        Assert.Equal("<4>first\n<3>second\n<6>third\n", ReadAll(journald));
    }

    [Fact]
    public void AnotherDescriptorThanTheDeadStreamIsLeftAlone()
    {
        (int stderr, int oldJournald) = StreamPair();
        (int stdout, int terminal) = StreamPair();
        (int fresh, int journald) = StreamPair();
        _ = close(oldJournald);
        try
        {
            Assert.True(StageLog.WriteToStream(stderr, "<4>first\n"u8, () => new SafeFileHandle(fresh, ownsHandle: true), alsoOnto: stdout));
            Assert.True(StageLog.WriteToStream(stdout, "to the terminal\n"u8, NoReopening));
        }
        finally
        {
            _ = close(stderr);
            _ = close(stdout);
        }
        Assert.Equal("<4>first\n", ReadAll(journald));
        Assert.Equal("to the terminal\n", ReadAll(terminal));
    }

    [Fact]
    public void WhenNoNewStreamOpensTheLineIsLeftToTheNativeFallback()
    {
        (int stderr, int oldJournald) = StreamPair();
        _ = close(oldJournald);
        try
        {
            Assert.False(StageLog.WriteToStream(stderr, "<4>first\n"u8,
                () => throw new NativeCallException("connect", ECONNREFUSED, "/run/systemd/journal/stdout")));
        }
        finally
        {
            _ = close(stderr);
        }
    }

    private static (int Mine, int Peer) StreamPair()
    {
        int* fds = stackalloc int[2];
        Assert.Equal(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
        return (fds[0], fds[1]);
    }

    private static string ReadAll(int fd)
    {
        var all = new List<byte>();
        byte* buffer = stackalloc byte[256];
        long n;
        while ((n = read(fd, buffer, 256)) > 0)
        {
            all.AddRange(new ReadOnlySpan<byte>(buffer, (int)n).ToArray());
        }
        _ = close(fd);
        return Encoding.UTF8.GetString([.. all]);
    }
}

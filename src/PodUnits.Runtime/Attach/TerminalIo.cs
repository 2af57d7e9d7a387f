using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Attach;

/// <summary>read(2) and write(2) on the descriptors a terminal session copies between (a pty
/// master, stdin, stdout), retried on EINTR, and waited for with poll(2) on EAGAIN: the
/// caller's terminal may be non-blocking (a shell, node or a crashed program left
/// O_NONBLOCK on it), which ended the relay at its first empty read (review of 2026-12-05).</summary>
internal static unsafe class TerminalIo
{
    /// <summary>Bytes read into <paramref name="buffer"/>; 0 at the end, negative on an error (EIO once a pty's slave is gone).</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            while (true)
            {
                long n = LibcExtra.read(fd, b, (nuint)buffer.Length);
                if (n < 0 && Retry(fd, LibC.POLLIN))
                {
                    continue;
                }
                return (int)n;
            }
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/>, or as much as the descriptor takes
    /// before it fails; whether all was written.</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* b = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                long n = LibcExtra.write(fd, b + done, (nuint)(bytes.Length - done));
                if (n < 0 && Retry(fd, LibC.POLLOUT))
                {
                    continue;
                }
                if (n <= 0)
                {
                    return false;
                }
                done += (int)n;
            }
        }
        return true;
    }

    /// <summary>After a failed call: true on EINTR, and on EAGAIN once <paramref name="fd"/>
    /// is ready for <paramref name="events"/>.</summary>
    private static bool Retry(int fd, short events)
    {
        int errno = Marshal.GetLastPInvokeError();
        if (errno == LibC.EAGAIN)
        {
            var wait = new pollfd { fd = fd, events = events };
            _ = LibC.poll(&wait, 1, -1);
            return true;
        }
        return errno == LibC.EINTR;
    }
}

using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Attach;

/// <summary>read(2) and write(2) on the descriptors a terminal session copies between (a pty
/// master, stdin, stdout), retried on EINTR.</summary>
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
                if (n < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }
                return (int)n;
            }
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/>, or as much as the descriptor takes before it fails.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* b = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                long n = LibcExtra.write(fd, b + done, (nuint)(bytes.Length - done));
                if (n < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }
                if (n <= 0)
                {
                    return;
                }
                done += (int)n;
            }
        }
    }
}

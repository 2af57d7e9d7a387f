using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Attach;

/// <summary>
/// `run -i` without `-t`: the caller's stdout or stderr. The container writes to a pipe like
/// any container, whose forwarder journals its lines and copies every chunk here as it was
/// read (a prompt without a newline shows at once), as conmon does for `podman run -i`.
/// </summary>
public sealed unsafe class CallerOutput(int fd)
{
    /// <summary>Writes all of <paramref name="chunk"/>, waiting while the caller does not
    /// read; false once the caller's end is gone (EPIPE: `run -i ... | head`).</summary>
    public bool Write(ReadOnlySpan<byte> chunk) => WriteAll(chunk) == 0;

    /// <summary>Writes all of <paramref name="chunk"/>, waiting while the descriptor is full;
    /// 0, or the errno that stopped it (EPIPE when the reader has gone).</summary>
    public int WriteAll(ReadOnlySpan<byte> chunk)
    {
        fixed (byte* b = chunk)
        {
            for (int done = 0; done < chunk.Length;)
            {
                long n = LibcExtra.write(fd, b + done, (nuint)(chunk.Length - done));
                if (n >= 0)
                {
                    done += (int)n;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }
                if (errno != LibC.EAGAIN)
                {
                    return errno;
                }
                // The caller's descriptor is non-blocking (shared with a shell that set it so).
                var poll = new pollfd { fd = fd, events = LibC.POLLOUT };
                _ = LibC.poll(&poll, 1, -1);
            }
        }
        return 0;
    }
}

using System.Text;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Systemd.Notify;

// BARRIER=1 (sd_notify_barrier(3), systemd 246 and later), by hand: .NET's Socket cannot
// pass a descriptor (SCM_RIGHTS), and linking libsystemd would be the only other use of it.
public sealed partial class SdNotify
{
    /// <summary>
    /// STATUS= that must outlive this process: the line `systemctl status` shows after a
    /// failed start. systemd reads notifications asynchronously and drops one whose sender
    /// has exited by then (it can no longer tell the sender's unit), so a STATUS= sent just
    /// before the exit was mostly lost and the unit kept the last step's ("resolving image
    /// X"). This sends it, then waits until systemd has processed it (<see cref="Barrier"/>).
    /// </summary>
    public bool FinalStatus(string status, TimeSpan timeout) => Status(status) && Barrier(timeout);

    /// <summary><see cref="FinalStatus"/> as a courtesy on the way out of a failure: "failed:
    /// WHY" within 2 s, and nothing thrown (the journal has the reason either way).</summary>
    public bool TryFinalFailure(string why)
    {
        try
        {
            return FinalStatus($"failed: {why}", TimeSpan.FromSeconds(2));
        }
        catch (Core.Errors.PodUnitsException)
        {
            return false;
        }
    }

    /// <summary>Sends BARRIER=1 with the write end of a pipe and waits until the service
    /// manager closes it, which it does once it has processed every notification sent
    /// before; false without a socket, on a timeout, or when the barrier cannot be sent.</summary>
    public unsafe bool Barrier(TimeSpan timeout)
    {
        if (_socketPath is null)
        {
            return false;
        }
        int* pipe = stackalloc int[2];
        if (pipe2(pipe, O_CLOEXEC) != 0)
        {
            return false;
        }
        try
        {
            bool sent = SendWithDescriptor("BARRIER=1"u8, pipe[1]);
            _ = close(pipe[1]); // ours closed: the read end sees POLLHUP once systemd closes its copy
            pipe[1] = -1;
            if (!sent)
            {
                return false;
            }
            var wait = new pollfd { fd = pipe[0], events = 0 };
            long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            while (true)
            {
                int left = (int)Math.Max(0, deadline - Environment.TickCount64);
                int ready = poll(&wait, 1, left);
                if (ready > 0)
                {
                    return (wait.revents & POLLHUP) != 0;
                }
                if (ready == 0 || errno != EINTR)
                {
                    return false;
                }
            }
        }
        finally
        {
            _ = close(pipe[0]);
            if (pipe[1] >= 0)
            {
                _ = close(pipe[1]);
            }
        }
    }

    private bool SendWithDescriptor(ReadOnlySpan<byte> state, int descriptor)
    {
        int socketFd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (socketFd < 0)
        {
            return false;
        }
        try
        {
            return UnixDatagrams.Send(socketFd, Address(_socketPath!), state, descriptor) == 0;
        }
        finally
        {
            _ = close(socketFd);
        }
    }

    /// <summary>struct sockaddr_un for a path, or for an abstract name ('@' becomes the
    /// leading NUL, and the length ends with the name: no terminating NUL).</summary>
    private static byte[] Address(string socketPath)
    {
        bool @abstract = socketPath[0] == '@';
        byte[] path = Encoding.UTF8.GetBytes(@abstract ? "\0" + socketPath[1..] : socketPath);
        byte[] address = new byte[sizeof(ushort) + path.Length + (@abstract ? 0 : 1)];
        BitConverter.TryWriteBytes(address, (ushort)AF_UNIX);
        path.CopyTo(address.AsSpan(sizeof(ushort)));
        return address;
    }
}

using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Journal;

// The syscalls behind JournalClient: sendmsg of a datagram, and the memfd fallback.
public sealed partial class JournalClient
{
    /// <summary>Returns 0 or the errno of sendmsg(2); retries on EINTR.</summary>
    private int SendDatagram(int fd, ReadOnlySpan<byte> data) => UnixDatagrams.Send(fd, _address, data);

    /// <summary>
    /// Writes the entry to a memfd, seals it and passes it to journald in an empty datagram
    /// (SCM_RIGHTS). journald only accepts a memfd sealed against writing, growing and
    /// shrinking (server_process_native_file() in journald-native.c), so it cannot change
    /// under journald while it is read.
    /// </summary>
    private unsafe void SendViaMemfd(int fd, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> name = "podunits-journal\0"u8;
        int memfd;
        fixed (byte* namePointer = name)
        {
            memfd = Check.Io(memfd_create(namePointer, MFD_CLOEXEC | MFD_ALLOW_SEALING), "memfd_create", SocketPath);
        }
        try
        {
            WriteAll(memfd, data);
            Check.Io(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL), "fcntl(F_ADD_SEALS)", SocketPath);
            SendFd(fd, memfd);
        }
        finally
        {
            _ = close(memfd); // ours to close; nothing useful to do if it fails
        }
    }

    private unsafe void WriteAll(int memfd, ReadOnlySpan<byte> data)
    {
        fixed (byte* bytes = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                long written = write(memfd, bytes + done, (size_t)(data.Length - done));
                if (written < 0 && errno == EINTR)
                {
                    continue;
                }
                done += (int)Check.Io(written, "write(memfd)", SocketPath);
            }
        }
    }

    /// <summary>An empty datagram carrying <paramref name="passedFd"/>.</summary>
    private void SendFd(int fd, int passedFd)
    {
        int error = UnixDatagrams.Send(fd, _address, [], passedFd);
        if (error != 0)
        {
            throw new NativeCallException("sendmsg(SCM_RIGHTS)", error, SocketPath);
        }
    }

    /// <summary>
    /// Best effort, like libsystemd's fd_inc_sndbuf(): SO_SNDBUF is capped by
    /// net.core.wmem_max, SO_SNDBUFFORCE (root) is not. A smaller buffer only means big
    /// entries take the memfd path sooner, so failures are ignored.
    /// </summary>
    private static unsafe void SetSendBuffer(int fd, int size)
    {
        if (size < SendBufferSize)
        {
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(int)); // the testing constructor
            return;
        }
        int value = 0;
        socklen_t length = sizeof(int);
        // The kernel reports twice the size that was set (socket(7)).
        if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, &length) == 0 && value >= size * 2L)
        {
            return;
        }
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(int));
        length = sizeof(int);
        if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, &length) == 0 && value >= size * 2L)
        {
            return;
        }
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(int));
    }
}

using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// File descriptors: pipes, socket pairs, close-on-exec, and the ioctl that brings an
// interface up.
public static unsafe partial class LibcExtra
{
    public const int O_CLOEXEC = 0x80000;
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    /// <summary>fcntl(2): a duplicate at the lowest free number at or above the argument, close-on-exec.</summary>
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int FD_CLOEXEC = 1;
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int SOCK_STREAM = 1;
    public const int SOCK_SEQPACKET = 5;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_CLOEXEC = 0x80000;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;
    public const int EWOULDBLOCK = 11;

    /// <summary>flock(2): the lock belongs to the open file description, so it lasts across
    /// execve and ends when the last descriptor of it closes, crash or not.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    public static partial int flock(int fd, int operation);

    public const ulong SIOCGIFFLAGS = 0x8913;
    public const ulong SIOCSIFFLAGS = 0x8914;
    public const short IFF_UP = 1;

    /// <summary>struct ifreq: 16 bytes of name, then a union whose first member we use is
    /// short ifr_flags; 40 bytes in all on 64-bit.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    public struct IfReqFlags
    {
        public fixed byte Name[16];
        public short Flags;
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int ioctl(int fd, ulong request, void* argument);
}

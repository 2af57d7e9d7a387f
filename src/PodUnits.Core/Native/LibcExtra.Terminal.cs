using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// Pseudo-terminals (pty(7), ioctl_tty(2)) and process descriptors (pidfd_open(2), Linux 5.3).
// The ioctl numbers are those of the generic table, which x86_64 and arm64 both use.
public static unsafe partial class LibcExtra
{
    public const ulong TIOCSCTTY = 0x540E;
    public const ulong TIOCGWINSZ = 0x5413;
    public const ulong TIOCSWINSZ = 0x5414;
    /// <summary>How many bytes wait to be read (a pipe's, a socket's).</summary>
    public const ulong FIONREAD = 0x541B;
    /// <summary>The terminal's foreground process group.</summary>
    public const ulong TIOCGPGRP = 0x540F;
    /// <summary>Bytes in a socket's send queue its peer has not read (TIOCOUTQ's number).</summary>
    public const ulong SIOCOUTQ = 0x5411;
    /// <summary>_IOW('T', 0x31, int): lock (1) or unlock (0) a pty's slave.</summary>
    public const ulong TIOCSPTLCK = 0x40045431;
    /// <summary>_IO('T', 0x41): opens the slave of a master by descriptor, no path (Linux 4.13).</summary>
    public const ulong TIOCGPTPEER = 0x5441;

    /// <summary>statfs(2) f_type of a devpts file system.</summary>
    public const long DEVPTS_SUPER_MAGIC = 0x1cd1;

    /// <summary>statfs(2) f_type of a proc file system.</summary>
    public const long PROC_SUPER_MAGIC = 0x9fa0;

    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int ioctl_int(int fd, ulong request, nint argument);

    /// <summary>struct statfs is 120 bytes on 64-bit Linux; f_type is its first word.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    private static partial int fstatfs(int fd, byte* buffer);

    /// <summary>The file system type (statfs f_type) of what <paramref name="fd"/> refers to, or -1.</summary>
    public static long FileSystemType(int fd)
    {
        byte* buffer = stackalloc byte[256];
        return fstatfs(fd, buffer) == 0 ? *(long*)buffer : -1;
    }

    public const long SYS_pidfd_open = 434;

    /// <summary>pidfd_open(2): a descriptor that names this process, not a reusable number.</summary>
    public static int pidfd_open(int pid) => (int)syscall(SYS_pidfd_open, pid, 0, 0, 0);

    /// <summary>The PID, in this process's PID namespace, of the process a pidfd names (its
    /// fdinfo's "Pid:" line, Linux 5.3); null when it is no pidfd or its process has been
    /// reaped (-1) or is in no namespace of ours (0). How a PID crosses from a pod's PID
    /// namespace to the host: the pod sends a pidfd.</summary>
    public static int? PidOfPidfd(int fd)
    {
        foreach (string line in File.ReadLines($"/proc/self/fdinfo/{fd}"))
        {
            if (line.StartsWith("Pid:", StringComparison.Ordinal) &&
                int.TryParse(line.AsSpan(4).Trim(), System.Globalization.CultureInfo.InvariantCulture, out int pid))
            {
                return pid > 0 ? pid : null;
            }
        }
        return null;
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int isatty(int fd);

    /// <summary>cfmakeraw(3): raw mode (no echo, no line editing, no signals from keys).</summary>
    [LibraryImport(Libc)]
    public static partial void cfmakeraw(Tmds.Linux.termios* attributes);
}

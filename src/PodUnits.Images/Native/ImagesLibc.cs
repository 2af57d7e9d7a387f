using System.Runtime.InteropServices;

namespace PodUnits.Images.Native;

/// <summary>
/// The Linux calls unpacking needs that .NET does not expose without following symlinks
/// (lstat, lchown, lsetxattr, utimensat with AT_SYMLINK_NOFOLLOW) plus mknod, link, flock
/// and statvfs. Raw C names; results checked by callers with Check.Io.
/// </summary>
internal static unsafe partial class ImagesLibc
{
    private const string Libc = "libc";

    /// <summary>Check.Io for these imports: errno as the generated stub saved it
    /// (Marshal.GetLastPInvokeError), not as later frees may have left it.</summary>
    public static int CheckIo(int result, string syscall, string? path = null) =>
        result == -1 ? throw new PodUnits.Core.Errors.NativeCallException(syscall, Marshal.GetLastPInvokeError(), path) : result;

    public static int Errno => Marshal.GetLastPInvokeError();

    public const int S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000,
        S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFIFO = 0x1000;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_UN = 8;
    public const int EPERM = 1, ENODATA = 61, ENOENT = 2, EEXIST = 17, ENOTEMPTY = 39, ENOSPC = 28, EINTR = 4;

    /// <summary>struct stat on x86_64 and arm64 glibc differ; only the fields read here
    /// are decoded, from the offsets of the running architecture.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatBuffer
    {
        public fixed byte Raw[256];
    }

    [LibraryImport(Libc, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat_raw(string path, StatBuffer* buf);

    /// <summary>lstat(2) returning the mode (type and permissions), or -1 with errno.</summary>
    public static int lstat_mode(string path, out uint mode)
    {
        StatBuffer buf;
        int r = lstat_raw(path, &buf);
        // x86_64: st_mode at offset 24; arm64 (generic layout): offset 16.
        int offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        mode = r == 0 ? *(uint*)(buf.Raw + offset) : 0;
        return r;
    }

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, int owner, int group);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, uint mode);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int link(string oldpath, string newpath);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlink(string target, string linkpath);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdir(string path, uint mode);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string path);

    public const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport(Libc)]
    public static partial uint geteuid();

    [LibraryImport(Libc, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* realpath_raw(string path, byte* resolved);

    [LibraryImport(Libc)]
    private static partial void free(byte* p);

    /// <summary>realpath(3): every symlink on the way resolved; null if the path does not exist.</summary>
    public static string? realpath(string path)
    {
        byte* p = realpath_raw(path, null);
        if (p == null) return null;
        try
        {
            return Marshal.PtrToStringUTF8((nint)p);
        }
        finally
        {
            free(p);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat(int dirfd, string path, Timespec* times, int flags);

    /// <summary>Sets atime and mtime of <paramref name="path"/> itself, never a symlink's target.</summary>
    public static int set_times_nofollow(string path, DateTimeOffset mtime)
    {
        Timespec* t = stackalloc Timespec[2];
        long ticks = mtime.ToUnixTimeMilliseconds();
        t[0].Seconds = t[1].Seconds = Math.DivRem(ticks, 1000, out long ms);
        t[0].Nanoseconds = t[1].Nanoseconds = ms * 1_000_000;
        if (t[0].Nanoseconds < 0) { t[0].Seconds--; t[1].Seconds--; t[0].Nanoseconds = t[1].Nanoseconds += 1_000_000_000; }
        return utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfs
    {
        public ulong f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_favail, f_fsid, f_flag, f_namemax;
        public fixed int spare[6];
    }

    [LibraryImport(Libc, EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statvfs_raw(string path, StatVfs* buf);

    /// <summary>Bytes an unprivileged writer may still use on the filesystem of <paramref name="path"/>.</summary>
    public static int statvfs_available(string path, out long bytes)
    {
        StatVfs s;
        int r = statvfs_raw(path, &s);
        bytes = r == 0 ? (long)(s.f_bavail * s.f_frsize) : 0;
        return r;
    }
}

using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// Linux's file-descriptor based mount API (open_tree(2), move_mount(2), fsopen(2),
// fsconfig(2), fsmount(2), mount_setattr(2), Linux 5.2 / 5.12) and openat2(2) (Linux 5.6). glibc has no openat2 wrapper and only 2.36+
// wraps the mount calls, so all go through syscall(2): these syscalls were added after the
// architectures' tables were unified, so their numbers are the same on every architecture
// (include/uapi/asm-generic/unistd.h; x86_64's table uses the same values from 424 on).
public static unsafe partial class LibcExtra
{
    public const long SYS_open_tree = 428;
    public const long SYS_move_mount = 429;
    public const long SYS_fsopen = 430;
    public const long SYS_fsconfig = 431;
    public const long SYS_fsmount = 432;
    public const long SYS_openat2 = 437;
    public const long SYS_mount_setattr = 442;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_RECURSIVE = 0x8000;
    public const int AT_EMPTY_PATH = 0x1000;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_PATH = 0x200000;

    public const uint OPEN_TREE_CLONE = 1;
    public const uint OPEN_TREE_CLOEXEC = O_CLOEXEC;

    public const uint FSOPEN_CLOEXEC = 1;
    public const uint FSMOUNT_CLOEXEC = 1;
    public const uint FSCONFIG_SET_STRING = 1;
    public const uint FSCONFIG_CMD_CREATE = 6;

    public const uint MOVE_MOUNT_F_EMPTY_PATH = 0x04;
    public const uint MOVE_MOUNT_T_EMPTY_PATH = 0x40;

    public const ulong MOUNT_ATTR_RDONLY = 0x01;
    public const ulong MOUNT_ATTR_NOSUID = 0x02;
    public const ulong MOUNT_ATTR_NODEV = 0x04;
    public const ulong MOUNT_ATTR_NOEXEC = 0x08;
    /// <summary>An idmapped mount (Linux 5.12): IDs are translated through MountAttr.UsernsFd's
    /// mapping; only on a detached mount (open_tree OPEN_TREE_CLONE, before move_mount).</summary>
    public const ulong MOUNT_ATTR_IDMAP = 0x00100000;

    /// <summary>openat2 resolve flags (openat2(2)).</summary>
    public const ulong RESOLVE_NO_XDEV = 0x01;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const ulong RESOLVE_IN_ROOT = 0x10;

    /// <summary>struct open_how (openat2(2)).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>struct mount_attr (mount_setattr(2)).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    /// <summary>openat2(2). With RESOLVE_IN_ROOT or RESOLVE_BENEATH the kernel answers EAGAIN
    /// when a rename or mount anywhere on the host raced the lookup ("the caller may choose to
    /// retry"): on a busy host that failed a container's start once in a CI run, so it is
    /// tried again, a bounded number of times.</summary>
    public static int openat2(int dirFd, string path, OpenHow how)
    {
        byte* p = Utf8(path);
        try
        {
            return openat2(dirFd, p, how);
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    /// <summary>openat2(2) of a NUL-terminated path as raw bytes: a name a container wrote need
    /// not be UTF-8, and a string made of it would name something else (volumes review of
    /// 2026-12-07, finding 2).</summary>
    public static int openat2(int dirFd, byte* path, OpenHow how)
    {
        const int EAGAIN = 11, Tries = 64;
        for (int attempt = 1; ; attempt++)
        {
            int fd = (int)syscall(SYS_openat2, dirFd, (nint)path, (nint)(&how), sizeof(OpenHow));
            if (fd >= 0 || attempt == Tries || (how.Resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) == 0
                || Marshal.GetLastPInvokeError() != EAGAIN)
            {
                return fd;
            }
        }
    }

    public static int open_tree(int dirFd, string path, uint flags)
    {
        byte* p = Utf8(path);
        try
        {
            return (int)syscall(SYS_open_tree, dirFd, (nint)p, (nint)flags, 0);
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    public static int move_mount(int fromDirFd, string fromPath, int toDirFd, string toPath, uint flags)
    {
        byte* from = Utf8(fromPath);
        byte* to = Utf8(toPath);
        try
        {
            return (int)syscall5(SYS_move_mount, fromDirFd, (nint)from, toDirFd, (nint)to, (nint)flags);
        }
        finally
        {
            NativeMemory.Free(from);
            NativeMemory.Free(to);
        }
    }

    public static int fsopen(string fileSystem, uint flags)
    {
        byte* p = Utf8(fileSystem);
        try
        {
            return (int)syscall(SYS_fsopen, (nint)p, (nint)flags, 0, 0);
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    /// <summary>fsconfig(2) with a string value (FSCONFIG_SET_STRING) or none (a command:
    /// <paramref name="key"/> and <paramref name="value"/> null).</summary>
    public static int fsconfig(int fsFd, uint command, string? key, string? value)
    {
        byte* k = key is null ? null : Utf8(key);
        byte* v = value is null ? null : Utf8(value);
        try
        {
            return (int)syscall5(SYS_fsconfig, fsFd, (nint)command, (nint)k, (nint)v, 0);
        }
        finally
        {
            NativeMemory.Free(k);
            NativeMemory.Free(v);
        }
    }

    /// <summary>fsmount(2): the created file system as a detached mount, with the
    /// MOUNT_ATTR_* <paramref name="attributes"/>.</summary>
    public static int fsmount(int fsFd, uint flags, ulong attributes) =>
        (int)syscall(SYS_fsmount, fsFd, (nint)flags, (nint)attributes, 0);

    public static int mount_setattr(int dirFd, string path, uint flags, MountAttr attr)
    {
        byte* p = Utf8(path);
        try
        {
            return (int)syscall5(SYS_mount_setattr, dirFd, (nint)p, (nint)flags, (nint)(&attr), sizeof(MountAttr));
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall(long number, nint a, nint b, nint c, nint d);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall5(long number, nint a, nint b, nint c, nint d, nint e);

    /// <summary>A NUL-terminated UTF-8 copy in native memory; free with NativeMemory.Free.</summary>
    public static byte* Utf8(string s)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }
}

using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// Files and directories: extended attributes of a path itself, never a symlink's target
// (lsetxattr(2), lgetxattr(2)), and realpath(3). The other file calls (lstat, mkdir, mknod,
// link, symlink, unlink, chmod, lchown, utimensat, statvfs, open, fsync) are Tmds.LibC's;
// give them their byte* paths with CString.
public static unsafe partial class LibcExtra
{
    /// <summary>Permission modes by their octal spelling (C# has no octal literals). Tmds.LibC
    /// has the single bits (S_IRWXU...); these are the combinations files are created with.</summary>
    public const ushort Mode0600 = 0x180;
    public const ushort Mode0644 = 0x1a4;
    public const ushort Mode0700 = 0x1c0;
    public const ushort Mode0755 = 0x1ed;

    /// <summary>07777: the permission bits with setuid, setgid and sticky, all chmod(2) sets.</summary>
    public const ushort ALLPERMS = 0xfff;

    /// <summary>lchown(2) with a string path: the owner of the path itself, never a symlink's target.</summary>
    public static int lchown(string path, uint uid, uint gid)
    {
        using var p = new CString(path);
        return Tmds.Linux.LibC.lchown(p, uid, gid);
    }

    /// <summary>rename(2), which Tmds.LibC lacks; File.Move follows a symlink to a directory.</summary>
    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rename(string from, string to);

    /// <summary>getdents64(2): the raw entries (struct linux_dirent64) of the directory
    /// <paramref name="fd"/> holds, names as bytes, as the kernel has them. Through syscall(2):
    /// glibc wraps it only since 2.30, and readdir(3) needs a DIR* that owns the descriptor.</summary>
    public static long getdents64(int fd, byte* buffer, int size) =>
        syscall(SyscallNumbers.Getdents64, fd, (nint)buffer, size, 0);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport(Libc, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* realpath_raw(string path, byte* resolved);

    /// <summary>realpath(3): the path with every symlink on the way resolved, or null if it
    /// cannot be resolved (it does not exist, errno says why).</summary>
    public static string? realpath(string path)
    {
        byte* resolved = realpath_raw(path, null);
        if (resolved == null)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            NativeMemory.Free(resolved); // realpath malloc'ed it; NativeMemory.Free is free(3)
        }
    }
}

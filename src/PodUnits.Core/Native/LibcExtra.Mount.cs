using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// Namespaces and mounts (mount(2), umount2(2), unshare(2), setns(2), sethostname(2)).
public static unsafe partial class LibcExtra
{
    public const int CLONE_NEWNS = 0x00020000;
    public const int CLONE_NEWUTS = 0x04000000;
    public const int CLONE_NEWIPC = 0x08000000;
    public const int CLONE_NEWPID = 0x20000000;
    public const int CLONE_NEWNET = 0x40000000;

    public const ulong MS_RDONLY = 1;
    public const ulong MS_NOSUID = 2;
    public const ulong MS_NODEV = 4;
    public const ulong MS_NOEXEC = 8;
    public const ulong MS_REMOUNT = 32;
    public const ulong MS_BIND = 4096;
    public const ulong MS_REC = 16384;
    public const ulong MS_PRIVATE = 1 << 18;
    public const ulong MS_SLAVE = 1 << 19;
    public const ulong MS_SHARED = 1 << 20;

    public const int MNT_DETACH = 2;

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int sethostname(byte* name, nuint length);
}

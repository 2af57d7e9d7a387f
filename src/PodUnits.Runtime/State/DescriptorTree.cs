using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.State;

/// <summary>
/// A directory tree a container can write in (a writable layer, an on-disk emptyDir, a named
/// volume, an ad-hoc pod's kept state), walked by host root by descriptor, its names as raw
/// bytes: removed (<see cref="Remove(string)"/>) or looked at (<see cref="Visit"/>:
/// <see cref="DiskUsage"/>, <see cref="ClaimOwnership"/>).
/// </summary>
/// <remarks>
/// Volumes review of 2026-12-07, findings 1, 2 and 4. .NET's Directory.Delete and
/// Directory.Enumerate* go by path, so a directory a container swapped for a symlink after
/// its parent was listed was followed (host root emptied the host's /etc, driven by a sibling
/// container through /proc/PID/root); and they decode names as UTF-8 with U+FFFD, so a name
/// that is not UTF-8 could never be removed (the pod never started again) nor measured
/// (sizeLimit escaped).
///
/// Here each directory is entered one name at a time from a directory already open, with
/// openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV and
/// O_NOFOLLOW: a symlink swapped in at any time makes the open fail; it is never followed,
/// and no other mount is entered. A directory is listed in full (getdents64) before its
/// subdirectories, which wait on a stack, are taken, and only one directory is open besides
/// the top (<see cref="Cursor"/>), however deep the tree: one descriptor per level ran out at
/// the executor's limit of 1024 and left the rest uncounted.
/// </remarks>
public static unsafe partial class DescriptorTree
{
    // The errno values, the same on x86_64 and arm64 (asm-generic/errno*.h), as constants for
    // patterns: Tmds.LibC's are static fields.
    private const int EPERM = 1, ENOENT = 2, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, ENOTEMPTY = 39, ELOOP = 40;

    private const ulong Beneath = LibcExtra.RESOLVE_BENEATH | LibcExtra.RESOLVE_NO_SYMLINKS
        | LibcExtra.RESOLVE_NO_MAGICLINKS | LibcExtra.RESOLVE_NO_XDEV;

    /// <summary>One entry, while <see cref="Visit"/> walks: <paramref name="directoryFd"/> is
    /// its directory's descriptor, open during the call only; <paramref name="name"/> is
    /// NUL-terminated (<see cref="RawNames"/>); <paramref name="status"/> its lstat.</summary>
    internal delegate void EntryVisitor(int directoryFd, byte[] name, in stat status);

    /// <summary>Every entry below the directory <paramref name="topFd"/> is open on, an entry
    /// before what is in it, on the top's file system only: a mount point or another file
    /// system's directory is passed over, as du -x does. An entry that vanishes or turns into
    /// something else while it looks (the container runs) is passed over as well.</summary>
    /// <exception cref="DescriptorTreeException">A directory could not be opened or read for
    /// another reason (EMFILE, EIO).</exception>
    internal static void Visit(int topFd, string topPath, EntryVisitor visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var root = new Node(null, []);
        using var cursor = new Cursor(topFd, topPath, root);
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.TryPop(out Node? dir))
        {
            int dirFd = cursor.Open(dir, out int error);
            if (dirFd < 0)
            {
                if (Vanished(error) || error == EXDEV)
                {
                    continue;
                }
                throw Failure(topPath, dir.Relative(), "open", error);
            }
            foreach (byte[] name in List(dirFd, topPath, dir))
            {
                if (StatusOf(dirFd, name, topPath, dir) is not { } status || status.st_dev != cursor.Device)
                {
                    continue;
                }
                visit(dirFd, name, status);
                if (IsDirectory(status))
                {
                    pending.Push(new Node(dir, name));
                }
            }
        }
    }

    /// <summary>The errors that say an entry is not what it was when its directory was
    /// listed: gone (ENOENT), no directory any more (ENOTDIR), or a symlink now, on the way
    /// or at the end (ELOOP from RESOLVE_NO_SYMLINKS and O_NOFOLLOW).</summary>
    private static bool Vanished(int error) => error is ENOENT or ENOTDIR or ELOOP;

    private static bool IsDirectory(in stat status) => (status.st_mode & S_IFMT) == S_IFDIR;

    /// <summary>The names in <paramref name="dirFd"/>; none once it is gone.</summary>
    private static List<byte[]> List(int dirFd, string topPath, Node dir) =>
        RawNames.Read(dirFd, out int error) ?? (error == ENOENT ? [] : throw Failure(topPath, dir.Relative(), "getdents64", error));

    /// <summary>lstat of <paramref name="name"/> in <paramref name="dirFd"/>; null when it is gone.</summary>
    private static stat? StatusOf(int dirFd, byte[] name, string topPath, Node dir)
    {
        stat status;
        fixed (byte* n = name)
        {
            if (fstatat(dirFd, n, &status, AT_SYMLINK_NOFOLLOW) == 0)
            {
                return status;
            }
        }
        int error = errno;
        return error == ENOENT ? null : throw Failure(topPath, Join(dir.Relative(), name), "lstat", error);
    }

    /// <summary>The relative path of <paramref name="name"/> in the directory <paramref name="relative"/>.</summary>
    private static byte[] Join(byte[] relative, byte[] name) =>
        relative.Length == 0 ? RawNames.Of(name).ToArray() : [.. relative, (byte)'/', .. RawNames.Of(name)];

    private static DescriptorTreeException Failure(string topPath, ReadOnlySpan<byte> relative, string call, int error)
    {
        string entry = relative.IsEmpty ? "the top" : RawNames.Printable(relative);
        string hint = error == EPERM ? "; a file made immutable or append-only in a container? 'lsattr' shows it" : "";
        return new DescriptorTreeException(topPath, $"{call} {entry}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}{hint})");
    }
}

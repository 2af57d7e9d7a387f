using PodUnits.Core.Native;
using PodUnits.Runtime.Init;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.State;

/// <summary>
/// securityContext.fsGroup on a persistentVolumeClaim's directory (a podunits volume), as
/// the kubelet's SetVolumeOwnership does for writable volumes: every entry gets group
/// <c>fsGroup</c>, group read and write, and directories group search and setgid.
/// fsGroupChangePolicy OnRootMismatch skips the walk when the root already has them.
/// </summary>
/// <remarks>
/// A claim outlives its pods and another pod may be changing it right now, so the walk never
/// resolves a path: each entry is opened relative to its directory's descriptor with
/// O_PATH|O_NOFOLLOW and changed through that descriptor (fchownat with AT_EMPTY_PATH, chmod
/// of /proc/self/fd/N, which names the inode, not a path), and directories are descended
/// through descriptors opened with O_NOFOLLOW. A symlink swapped in behind a check therefore
/// gets at most its own group changed, never its target's: the kubelet's path-based walk had
/// exactly that hole. Mount points inside are not crossed.
/// </remarks>
internal static unsafe class ClaimOwnership
{
    public static void Apply(string root, uint fsGroup, bool onRootMismatch)
    {
        int rootFd = Check.Io(LibcExtra.open(root, LibcExtra.O_RDONLY | LibcExtra.O_DIRECTORY | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC, 0), "open", root);
        try
        {
            stat st;
            Check.Io(fstat(rootFd, &st), "fstat", root);
            if (onRootMismatch && st.st_gid == fsGroup && ((uint)st.st_mode & FsGroupOwnership.WritableDirectoryMask) == FsGroupOwnership.WritableDirectoryMask)
            {
                return;
            }
            // The root last: OnRootMismatch takes a matching root for a finished walk, so a walk
            // cut short (a start timeout, an entry that cannot be changed) is done again next time.
            Walk(rootFd, fsGroup, st.st_dev);
            FsGroupOwnership.Apply(rootFd, st, fsGroup, readOnly: false, root);
        }
        finally
        {
            _ = close(rootFd);
        }
    }

    /// <summary>The entries below the directory <paramref name="dirFd"/> (changed itself already).</summary>
    private static void Walk(int dirFd, uint fsGroup, ulong device)
    {
        // Listing through /proc/self/fd/N reads the directory the descriptor holds.
        foreach (string name in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{dirFd}").Select(Path.GetFileName).OfType<string>())
        {
            int fd = OpenBeneath(dirFd, name, LibcExtra.O_PATH);
            if (fd < 0)
            {
                continue; // removed meanwhile, or a mount point
            }
            try
            {
                stat st;
                if (fstat(fd, &st) != 0 || st.st_dev != device)
                {
                    continue;
                }
                FsGroupOwnership.Apply(fd, st, fsGroup, readOnly: false, name);
                if ((st.st_mode & S_IFMT) == S_IFDIR && OpenBeneath(dirFd, name, LibcExtra.O_RDONLY | LibcExtra.O_DIRECTORY) is int child and >= 0)
                {
                    try
                    {
                        Walk(child, fsGroup, device);
                    }
                    finally
                    {
                        _ = close(child);
                    }
                }
            }
            finally
            {
                _ = close(fd);
            }
        }
    }

    /// <summary>openat2 of one name in <paramref name="dirFd"/>: no symlink followed, not out of
    /// it, not onto another mount.</summary>
    private static int OpenBeneath(int dirFd, string name, int flags) => LibcExtra.openat2(dirFd, name, new LibcExtra.OpenHow
    {
        Flags = (ulong)(flags | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC),
        Resolve = LibcExtra.RESOLVE_BENEATH | LibcExtra.RESOLVE_NO_SYMLINKS | LibcExtra.RESOLVE_NO_MAGICLINKS | LibcExtra.RESOLVE_NO_XDEV,
    });
}

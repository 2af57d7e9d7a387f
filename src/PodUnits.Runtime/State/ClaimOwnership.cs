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
/// follows a symlink: each entry is opened relative to its directory's descriptor with
/// O_PATH|O_NOFOLLOW and changed through that descriptor (fchownat with AT_EMPTY_PATH, chmod
/// of /proc/self/fd/N, which names the inode, not a path), and directories are walked by
/// <see cref="DescriptorTree"/>, which opens none through a symlink. A symlink swapped in
/// behind a check therefore gets at most its own group changed, never its target's: the
/// kubelet's path-based walk had exactly that hole. Mount points inside are not crossed.
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
            Walk(rootFd, root, fsGroup, st.st_dev);
            FsGroupOwnership.Apply(rootFd, st, fsGroup, readOnly: false, root);
        }
        finally
        {
            _ = close(rootFd);
        }
    }

    /// <summary>The entries below the root <paramref name="rootFd"/> (changed last), by
    /// descriptor and raw byte names, with a few descriptors open whatever the depth: a name
    /// that is not UTF-8, or a chain deeper than stage 0's descriptor limit, was skipped with
    /// all below it, and OnRootMismatch then took the walk as done for good (volumes review of
    /// 2026-12-07, finding 4).</summary>
    private static void Walk(int rootFd, string root, uint fsGroup, ulong device) =>
        DescriptorTree.Visit(rootFd, root, (int dirFd, byte[] name, in stat listed) =>
        {
            int fd = OpenBeneath(dirFd, name, LibcExtra.O_PATH);
            if (fd < 0)
            {
                return; // removed meanwhile, or a mount point
            }
            try
            {
                stat st;
                if (fstat(fd, &st) == 0 && st.st_dev == device)
                {
                    FsGroupOwnership.Apply(fd, st, fsGroup, readOnly: false, RawNames.Printable(RawNames.Of(name)));
                }
            }
            finally
            {
                _ = close(fd);
            }
        });

    /// <summary>openat2 of one name in <paramref name="dirFd"/>: no symlink followed, not out of
    /// it, not onto another mount.</summary>
    private static int OpenBeneath(int dirFd, byte[] name, int flags)
    {
        fixed (byte* n = name)
        {
            return LibcExtra.openat2(dirFd, n, new LibcExtra.OpenHow
            {
                Flags = (ulong)(flags | LibcExtra.O_NOFOLLOW | LibcExtra.O_CLOEXEC),
                Resolve = LibcExtra.RESOLVE_BENEATH | LibcExtra.RESOLVE_NO_SYMLINKS | LibcExtra.RESOLVE_NO_MAGICLINKS | LibcExtra.RESOLVE_NO_XDEV,
            });
        }
    }
}

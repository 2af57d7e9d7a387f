using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.State;

/// <summary>How much a directory a container writes in holds on disk: an emptyDir against its
/// sizeLimit (Executor/EmptyDirLimits), a named volume in `podunits volume list`. Walked as
/// host root through a tree a container controls, so by descriptor (<see cref="DescriptorTree"/>).</summary>
public static class DiskUsage
{
    /// <summary>What `du -x -s -B1` says: the bytes allocated to every file and directory
    /// below <paramref name="path"/> (st_blocks, so a sparse file counts what it uses), a
    /// hard-linked file once, symlinks not followed, other file systems not entered. Entries
    /// that vanish while it looks (the container is running) are skipped. Every name counts,
    /// UTF-8 or not, at any depth, with a few descriptors open whatever the depth: a
    /// non-UTF-8 directory name or a chain deeper than the descriptor limit no longer hides
    /// what is below it (volumes review of 2026-12-07, finding 4). A container that swaps a
    /// directory for a symlink to / while it looks cannot make this host-root process walk
    /// the host's tree.</summary>
    /// <exception cref="DescriptorTreeException">A directory in it could not be read for
    /// another reason than its vanishing (EIO, EMFILE).</exception>
    public static unsafe long Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var p = new CString(path);
        stat top;
        if (lstat(p, &top) != 0)
        {
            return 0;
        }
        long total = top.st_blocks * 512;
        int topFd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (topFd < 0)
        {
            return total; // a file or symlink, or gone meanwhile
        }
        try
        {
            var seen = new HashSet<(ulong Device, ulong Inode)>();
            DescriptorTree.Visit(topFd, path, (int _, byte[] _, in stat s) =>
            {
                bool directory = (s.st_mode & S_IFMT) == S_IFDIR;
                if (s.st_nlink > 1 && !directory && !seen.Add((s.st_dev, s.st_ino)))
                {
                    return;
                }
                total += s.st_blocks * 512;
            });
            return total;
        }
        finally
        {
            _ = close(topFd);
        }
    }
}

using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.State;

/// <summary>How much a directory a container writes in holds on disk: an emptyDir against its
/// sizeLimit (Executor/EmptyDirLimits), a named volume in `podunits volume list`. Walked as
/// host root through a tree a container controls, so never through its symlinks.</summary>
public static class DiskUsage
{
    /// <summary>What `du -x -s -B1` says: the bytes allocated to every file and directory
    /// below <paramref name="path"/> (st_blocks, so a sparse file counts what it uses), a
    /// hard-linked file once, symlinks not followed, other file systems not entered. Entries
    /// that vanish while it looks (the container is running) are skipped. The walk goes by
    /// descriptor (openat O_NOFOLLOW, each directory listed through /proc/self/fd): a
    /// container that swaps a directory for a symlink to / while it looks cannot make this
    /// host-root process walk the host's tree. Only the open directories of the current path
    /// are held, so a tree too deep for the descriptor limit is counted short, never fails.</summary>
    public static unsafe long Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Stat(path) is not { } top)
        {
            return 0;
        }
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long total = top.st_blocks * 512;
        using var root = new CString(path);
        int rootFd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (rootFd < 0)
        {
            return total;
        }
        var listing = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };
        var walk = new Stack<(int Fd, Queue<string> Names)>();
        walk.Push((rootFd, Names(rootFd, listing)));
        while (walk.TryPeek(out (int Fd, Queue<string> Names) dir))
        {
            if (!dir.Names.TryDequeue(out string? name))
            {
                _ = close(walk.Pop().Fd);
                continue;
            }
            if (Stat($"/proc/self/fd/{dir.Fd}/{name}") is not { } s || s.st_dev != top.st_dev)
            {
                continue;
            }
            bool directory = (s.st_mode & S_IFMT) == S_IFDIR;
            if (s.st_nlink > 1 && !directory && !seen.Add((s.st_dev, s.st_ino)))
            {
                continue;
            }
            total += s.st_blocks * 512;
            if (directory)
            {
                using var n = new CString(name);
                int child = openat(dir.Fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child >= 0)
                {
                    walk.Push((child, Names(child, listing)));
                }
            }
        }
        return total;
    }

    /// <summary>The names in the directory <paramref name="fd"/> holds; none once it is gone.</summary>
    private static Queue<string> Names(int fd, EnumerationOptions listing)
    {
        try
        {
            return new Queue<string>(Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}", "*", listing).Select(e => Path.GetFileName(e)));
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return new Queue<string>();
        }
    }

    private static unsafe stat? Stat(string path)
    {
        using var p = new CString(path);
        stat s;
        return lstat(p, &s) == 0 ? s : null;
    }
}

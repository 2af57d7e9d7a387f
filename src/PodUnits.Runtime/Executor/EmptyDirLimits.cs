using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// emptyDir sizeLimit on disk, enforced the kubelet's way: its eviction manager measures each
/// such volume every 10 s (du, or a project quota where the file system has one) and evicts
/// the pod whose volume holds more than its limit. No file-system quota is assumed here:
/// /var/lib/podunits is usually ext4 without project quotas, and a loop-mounted image per
/// volume would cost a file system per pod. So the executor measures as du -x does and stops
/// the pod, failed, when a volume is over (Supervise's "evicted"); the next start gets an
/// empty volume, as a new pod would. Memory-backed emptyDirs need none of this: their tmpfs
/// has the limit as its size.
/// </summary>
internal static class EmptyDirLimits
{
    /// <summary>The kubelet's eviction-monitoring interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The pod's on-disk emptyDirs with a sizeLimit.</summary>
    public static List<EmptyDirPlan> Limited(PodPlan plan) => [.. plan.EmptyDirs.Where(v => !v.Memory && v.SizeLimitBytes is not null)];

    /// <summary>The first volume holding more than its limit, with what it holds, or null.</summary>
    public static (EmptyDirPlan Volume, long Bytes)? FirstOver(IEnumerable<EmptyDirPlan> volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        foreach (EmptyDirPlan v in volumes)
        {
            long bytes = DiskUsage(v.Path);
            if (bytes > (long)v.SizeLimitBytes!.Value)
            {
                return (v, bytes);
            }
        }
        return null;
    }

    /// <summary>What `du -x -s -B1` says: the bytes allocated to every file and directory
    /// below <paramref name="path"/> (st_blocks, so a sparse file counts what it uses), a
    /// hard-linked file once, symlinks not followed, other file systems not entered. Entries
    /// that vanish while it looks (the container is running) are skipped.</summary>
    public static unsafe long DiskUsage(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Stat(path) is not { } top)
        {
            return 0;
        }
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long total = top.st_blocks * 512;
        var pending = new Stack<string>();
        pending.Push(path);
        var listing = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };
        while (pending.TryPop(out string? dir))
        {
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(dir, "*", listing).ToList();
            }
            catch (Exception e) when (e is DirectoryNotFoundException or IOException)
            {
                continue;
            }
            foreach (string entry in entries)
            {
                if (Stat(entry) is not { } s || s.st_dev != top.st_dev)
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
                    pending.Push(entry);
                }
            }
        }
        return total;
    }

    private static unsafe stat? Stat(string path)
    {
        using var p = new CString(path);
        stat s;
        return lstat(p, &s) == 0 ? s : null;
    }
}

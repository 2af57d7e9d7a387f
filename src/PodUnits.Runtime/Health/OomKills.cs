using System.Globalization;

namespace PodUnits.Runtime.Health;

/// <summary>
/// Counts of OOM kills, to tell the OOM killer's SIGKILL from anyone else's: the kernel tells
/// a killed process's parent only "SIGKILL". A container's own memory cgroup counts its OOM
/// kills exactly, but systemd removes the scope's cgroup as soon as it is empty, often before
/// the executor hears of the exit. Then the pod's slice says: cgroup v2's memory.events
/// counts the kills of the whole subtree, and the slice lives as long as the pod. Only where
/// the slice has no such count (cgroup v1 memory, no memory controller) is the host's count
/// since boot (/proc/vmstat's oom_kill, Linux 4.13 and later) all there is: a `kill -9` is
/// then an Error unless an OOM kill happened elsewhere on the host in the same moment.
/// </summary>
public static class OomKills
{
    private const string Prefix = "oom_kill ";

    /// <summary>The count now, or null when the kernel does not say.</summary>
    public static long? Count(string vmstat = "/proc/vmstat")
    {
        try
        {
            foreach (string line in File.ReadLines(vmstat))
            {
                if (line.StartsWith(Prefix, StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                {
                    return count;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>The OOM kills the memory cgroup at <paramref name="cgroup"/> (a path under the
    /// hierarchy's root, "/machine.slice/...") counted itself: cgroup v2's memory.events or v1's
    /// memory.oom_control; null when neither is there (systemd has removed the emptied scope,
    /// or it has no memory controller).</summary>
    public static long? InCgroup(string cgroup)
    {
        foreach (string file in (string[])[$"/sys/fs/cgroup{cgroup}/memory.events", $"/sys/fs/cgroup/memory{cgroup}/memory.oom_control"])
        {
            if (Count(file) is long count)
            {
                return count;
            }
        }
        return null;
    }

    /// <summary>The OOM kills in the cgroup v2 subtree at <paramref name="cgroup"/> (a path
    /// under the hierarchy's root): memory.events counts its descendants' too, unless the
    /// hierarchy is mounted with memory_localevents; null when it has no memory.events.</summary>
    public static long? InSubtree(string cgroup) => Count($"/sys/fs/cgroup{cgroup}/memory.events");

    /// <summary>The counts a run's start is compared with: the pod's slice's, and the host's
    /// for where the slice has none.</summary>
    public readonly record struct Counts(long? Pod, long? Host)
    {
        public static Counts Now(string podSliceCgroup) =>
            InSubtree(podSliceCgroup) is long pod ? new(pod, null) : new(null, Count());

        /// <summary>Whether an OOM kill was counted between <paramref name="atStart"/> and now
        /// (<paramref name="now"/>), by the pod's count where both have it.</summary>
        public static bool Grew(Counts atStart, Counts now) =>
            atStart.Pod is long podThen && now.Pod is long podNow ? podNow > podThen : GrewDuring(atStart.Host, now.Host ?? Count());
    }

    /// <summary>Whether a run that ended by SIGKILL, started when the count was
    /// <paramref name="atStart"/>, was the OOM killer's: the count grew meanwhile. Without a
    /// count (an old kernel) a memory limit is all there is to go by.</summary>
    public static bool GrewDuring(long? atStart, long? now) => atStart is not long then || now is not long current || current > then;
}

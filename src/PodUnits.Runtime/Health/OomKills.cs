using System.Globalization;

namespace PodUnits.Runtime.Health;

/// <summary>
/// The kernel's count of OOM kills since boot (/proc/vmstat's oom_kill, Linux 4.13 and
/// later), a memory cgroup's kills included. The kernel tells a killed process's parent only
/// "SIGKILL"; a container's own memory cgroup counts its OOM kills too, but systemd removes
/// the scope's cgroup as soon as it is empty, often before the executor hears of the exit,
/// and on a host with cgroup v1 memory the count is not summed up into the pod's slice. So
/// a SIGKILL of a container with a memory limit counts as OOMKilled only when this count
/// grew during its run: an external `kill -9` is an Error, unless an OOM kill happened
/// elsewhere on the host in the same moment.
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

    /// <summary>Whether a run that ended by SIGKILL, started when the count was
    /// <paramref name="atStart"/>, was the OOM killer's: the count grew meanwhile. Without a
    /// count (an old kernel) a memory limit is all there is to go by.</summary>
    public static bool GrewDuring(long? atStart, long? now) => atStart is not long then || now is not long current || current > then;
}

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
            long bytes = State.DiskUsage.Of(v.Path);
            if (bytes > (long)v.SizeLimitBytes!.Value)
            {
                return (v, bytes);
            }
        }
        return null;
    }
}

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

    /// <summary>The first volume holding more than its limit, with what it holds, or null.
    /// A volume that cannot be measured in full (a directory in it that cannot be read, for
    /// another reason than its vanishing) counts as over, with why in
    /// <c>Unmeasurable</c>: what could not be seen could be anything, and skipping it was how
    /// a container escaped its limit (volumes review of 2026-12-07, finding 4).</summary>
    public static (EmptyDirPlan Volume, long Bytes, string? Unmeasurable)? FirstOver(IEnumerable<EmptyDirPlan> volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        foreach (EmptyDirPlan v in volumes)
        {
            long bytes;
            try
            {
                bytes = State.DiskUsage.Of(v.Path);
            }
            catch (State.DescriptorTreeException e)
            {
                return (v, 0, e.Message);
            }
            if (bytes > (long)v.SizeLimitBytes!.Value)
            {
                return (v, bytes, null);
            }
        }
        return null;
    }
}

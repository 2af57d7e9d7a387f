using PodUnits.Core.Errors;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.State;

/// <summary>
/// Running pods whose user namespace range a subordinate ID range (/etc/subuid, /etc/subgid)
/// came to overlap: useradd sees only those files, so a user added while a pod runs may get
/// the pod's IDs and, with newuidmap, act as its container users on the host. A held range
/// is given up only at the pod's next start (<see cref="UserNamespaceRanges.Acquire"/>), so
/// this says it meanwhile, at each pod start and in `podunits gc`, and fails nothing
/// (user-namespace review of 2026-12-07, finding 1).
/// </summary>
public static class SubordinateOverlaps
{
    /// <summary>One warning per range of <paramref name="ranges"/> that overlaps one of
    /// <paramref name="subordinate"/> and whose pod <paramref name="running"/> says runs.</summary>
    public static IReadOnlyList<string> Describe(IReadOnlyList<(string Pod, IdMapping Range)> ranges, IReadOnlyList<IdMapping> subordinate,
        Func<string, bool> running)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(subordinate);
        ArgumentNullException.ThrowIfNull(running);
        List<string> warnings = [];
        foreach ((string pod, IdMapping range) in ranges)
        {
            if (subordinate.FirstOrDefault(s => s.HostFirst < End(range) && range.HostFirst < End(s)) is { } user && running(pod))
            {
                warnings.Add($"pod {pod}: runs with user namespace IDs {range.HostFirst}-{End(range) - 1}, which the subordinate IDs " +
                    $"{user.HostFirst}-{End(user) - 1} of {string.Join(" or ", SubordinateIds.HostFiles)} now overlap: their user can map them " +
                    "and act as the pod's container users on the host; restart the pod to give it a new range");
            }
        }
        return warnings;
    }

    /// <summary><see cref="Describe"/> for the host's ranges and subordinate IDs, of the pods
    /// that hold their claim (starting or running), <paramref name="except"/> left out. Says
    /// nothing when a range file cannot be read: gc and the start report that themselves.</summary>
    public static IReadOnlyList<string> OfRunningPods(string? except = null, string directory = UserNamespaceRanges.DefaultDirectory)
    {
        try
        {
            return Describe(UserNamespaceRanges.ReadAll(directory), SubordinateIds.Read(), pod => pod != except && PodClaim.IsHeld(pod));
        }
        catch (Exception e) when (e is PodUnitsException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static ulong End(IdMapping range) => (ulong)range.HostFirst + range.Size;
}

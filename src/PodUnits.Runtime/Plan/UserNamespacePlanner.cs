using PodUnits.Core.Errors;
using PodUnits.Definitions.Host;
using PodUnits.Definitions;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Gives a pod that runs in its own user namespace (hostUsers: false, or the host's
/// `userNamespaces: auto`) its range of host IDs, the one it had before if any
/// (State/UserNamespaceRanges.cs), and checks that every ID the plan gives a container lies
/// inside it: an ID beyond 65535 has no host ID in the pod, and the kernel would refuse it only
/// at setresuid, after the pod started.
/// </summary>
public static class UserNamespacePlanner
{
    /// <param name="acquire">Takes the pod's range (State.UserNamespaceRanges.Acquire with the host's pool).</param>
    public static void Apply(PodPlan plan, PodDefinition pod, Func<string, IdMapping> acquire)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(acquire);
        if (!pod.UserNamespace)
        {
            return;
        }
        foreach (ContainerPlan c in plan.Containers)
        {
            Check(plan, $"container {c.Name}: user {c.Uid} (runAsUser, or the image's USER)", c.Uid);
            Check(plan, $"container {c.Name}: group {c.Gid} (runAsGroup, or the image's USER)", c.Gid);
            foreach (uint g in c.SupplementaryGroups)
            {
                Check(plan, $"container {c.Name}: supplementary group {g}", g);
            }
        }
        if (plan.FsGroup is uint fsGroup)
        {
            Check(plan, $"fsGroup {fsGroup}", fsGroup);
        }
        plan.Users = acquire(plan.Name);
    }

    private static void Check(PodPlan plan, string what, uint id)
    {
        if (id >= UserNamespacePool.RangeSize)
        {
            throw new PodUnitsException($"pod {plan.Name}",
                $"{what} is outside the pod's user namespace, which maps IDs 0-{UserNamespacePool.RangeSize - 1} (hostUsers: false); use an ID below {UserNamespacePool.RangeSize}",
                ExitCodes.BadInput);
        }
    }
}

using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Definitions.Host;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

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
        NetworkSysctls(plan, plan.Users);
    }

    /// <summary>
    /// The pod's network namespace is owned by the host's user namespace (the pod init makes it
    /// as host root), so container root's CAP_NET_BIND_SERVICE and CAP_NET_RAW, which are the
    /// pod's user namespace's, do not reach it: nginx could not bind port 80, ping could not
    /// open its socket. As Docker does for every container, the pod's own network namespace
    /// then lets any of its processes bind ports below 1024
    /// (net.ipv4.ip_unprivileged_port_start=0) and lets the pod's groups open ICMP echo
    /// sockets (net.ipv4.ping_group_range, written in host IDs: the pod's range). Both are in
    /// Kubernetes' safe set; a pod that sets either itself keeps its value.
    /// </summary>
    private static void NetworkSysctls(PodPlan plan, IdMapping users)
    {
        foreach ((string name, string value) in new[]
                 {
                     ("net.ipv4.ip_unprivileged_port_start", "0"),
                     ("net.ipv4.ping_group_range", $"{users.HostFirst} {users.HostFirst + users.Size - 1}"),
                 })
        {
            if (!plan.Sysctls.Any(s => s.Name == name))
            {
                plan.Sysctls.Add(SysctlPlans.Of(name, value));
            }
        }
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

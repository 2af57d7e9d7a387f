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
    /// <summary>The first Linux that idmaps tmpfs (6.3): a pod in its own user namespace binds
    /// its /etc files and configuration volumes from tmpfs as idmapped mounts.</summary>
    public static readonly Version MinimumKernel = new(6, 3);

    /// <param name="acquire">Takes the pod's range (State.UserNamespaceRanges.Acquire with the host's pool).</param>
    /// <param name="kernel">The running kernel's version (uname); null: this host's.</param>
    public static void Apply(PodPlan plan, PodDefinition pod, Func<string, IdMapping> acquire, Version? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(acquire);
        if (!pod.UserNamespace)
        {
            return;
        }
        CheckKernel(pod, kernel);
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

    /// <summary>Refuses a pod in its own user namespace on a kernel older than
    /// <see cref="MinimumKernel"/>. Needs only the definition, so stage 0 asks it before it
    /// creates hostPath directories or pulls images.</summary>
    /// <param name="kernel">The running kernel's version (uname); null: this host's.</param>
    public static void CheckKernel(PodDefinition pod, Version? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        kernel ??= Environment.OSVersion.Version;
        if (!pod.UserNamespace || kernel >= MinimumKernel)
        {
            return;
        }
        // Said before anything is set up: the first container's start failed on it (exit
        // 125) after the network and the pod init were up, and under the host's
        // userNamespaces: auto every pod did (user-namespace review of 2026-12-06, finding 4).
        // Bad input, exit 2: the kernel does not change under the unit, and pod@.service's
        // RestartPreventExitStatus=2 stops Restart= from pulling again and again every few
        // minutes (user-namespace review of 2026-12-07, finding 3).
        throw new PodUnitsException($"pod {pod.Name}",
            $"a pod in its own user namespace (hostUsers: false, or userNamespaces: auto in {HostSettings.DefaultPath}) needs Linux {MinimumKernel} or later "
            + $"(idmapped tmpfs), and this host runs {kernel}; set hostUsers: true, or remove userNamespaces: auto", ExitCodes.BadInput);
    }

    /// <summary>
    /// The pod's network namespace is owned by the host's user namespace (the pod init makes it
    /// as host root), so container root's CAP_NET_BIND_SERVICE and CAP_NET_RAW, which are the
    /// pod's user namespace's, do not reach it: nginx could not bind port 80, ping could not
    /// open its socket. As Docker does for every container, the pod's own network namespace
    /// then lets any of its processes bind ports below 1024
    /// (net.ipv4.ip_unprivileged_port_start=0) and lets the pod's groups open ICMP echo
    /// sockets (net.ipv4.ping_group_range, written in host IDs: the pod's range). Both are in
    /// Kubernetes' safe set; a pod that sets either itself keeps its value. Its own
    /// ping_group_range names the pod's groups, as the kernel reads it from inside the pod's
    /// user namespace under runc; the pod init writes it as host root, which reads host group
    /// IDs, so it is written translated through the pod's range (review of 2026-12-05: "0
    /// 65535" covered none of the pod's processes).
    /// </summary>
    private static void NetworkSysctls(PodPlan plan, IdMapping users)
    {
        int own = plan.Sysctls.FindIndex(s => s.Name == PingGroupRange);
        if (own >= 0)
        {
            plan.Sysctls[own] = SysctlPlans.Of(PingGroupRange, PingGroupsOnHost(plan.Sysctls[own].Value, users));
        }
        foreach ((string name, string value) in new[]
                 {
                     ("net.ipv4.ip_unprivileged_port_start", "0"),
                     (PingGroupRange, $"{users.HostFirst} {users.HostFirst + users.Size - 1}"),
                 })
        {
            if (!plan.Sysctls.Any(s => s.Name == name))
            {
                plan.Sysctls.Add(SysctlPlans.Of(name, value));
            }
        }
    }

    private const string PingGroupRange = "net.ipv4.ping_group_range";

    /// <summary>"FIRST LAST" in the pod's group IDs as host group IDs: the part inside the
    /// pod's range, or "1 0" (no group, the kernel's default) when none of it is.</summary>
    internal static string PingGroupsOnHost(string value, IdMapping users)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(users);
        string[] parts = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !uint.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint first)
            || !uint.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint last))
        {
            return value; // the kernel refuses it at the write, naming the sysctl
        }
        if (first > last || first >= users.Size)
        {
            return "1 0";
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{users.ToHost(first)} {users.ToHost(Math.Min(last, users.Size - 1))}");
    }

    private static void Check(PodPlan plan, string what, uint id)
    {
        if (id >= UserNamespacePool.RangeSize)
        {
            throw new PodUnitsException($"pod {plan.Name}",
                $"{what} is outside the pod's user namespace, which maps IDs 0-{UserNamespacePool.RangeSize - 1} (hostUsers: false, or the host's userNamespaces: auto); use an ID below {UserNamespacePool.RangeSize}, or spec.hostUsers: true for the host's users",
                ExitCodes.BadInput);
        }
    }
}

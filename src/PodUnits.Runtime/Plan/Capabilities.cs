using PodUnits.Core.Linux;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// The bounding set a container gets (capability names and numbers are the definitions'
/// <see cref="LinuxCapabilities"/>): podman's default set, or all when privileged,
/// then the definition's add and drop ("ALL" allowed in both, like Kubernetes).
/// </summary>
public static class Capabilities
{
    /// <summary>podman's default bounding set (containers.conf default_capabilities): 11
    /// capabilities, the strictest of the peers. Docker's and containerd's 14 add NET_RAW
    /// (packet sockets: spoofing on the bridge, and with hostNetwork sniffing the host's
    /// traffic; the way into packet-socket kernel bugs), MKNOD and AUDIT_WRITE. ping still
    /// works as root through ICMP sockets: a pod with its own network namespace gets
    /// net.ipv4.ping_group_range "0 0", podman's default_sysctls (PlanBuilder).</summary>
    public static readonly IReadOnlyList<string> Default =
    [
        "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ];

    /// <summary>The highest capability number this table knows (CAP_LAST_CAP of its kernel).</summary>
    public static int Last => LinuxCapabilities.Names.Count - 1;

    /// <summary>The number of a capability name ("NET_ADMIN" or "CAP_NET_ADMIN"), or -1.</summary>
    public static int Number(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return LinuxCapabilities.Normalize(name) is { } full && full != LinuxCapabilities.All ? LinuxCapabilities.Number(full) : -1;
    }

    /// <summary>The name as Kubernetes writes it, without CAP_.</summary>
    public static string Name(int number) => LinuxCapabilities.Names[number][4..];

    /// <summary>The bounding set, sorted; throws <see cref="ArgumentException"/> naming an unknown
    /// capability. In containerd's order (CRI's WithCapabilities): "ALL" in add, then "ALL" in
    /// drop, then each capability added, then each dropped, so "add: [ALL], drop: [SYS_ADMIN]"
    /// is everything but SYS_ADMIN and a capability both added and dropped is dropped.
    /// Privileged: every capability.</summary>
    public static List<int> BoundingSet(bool privileged, IEnumerable<string>? add, IEnumerable<string>? drop)
    {
        List<string> adds = [.. add ?? []];
        List<string> drops = [.. drop ?? []];
        static bool IsAll(string n) => n.Equals("ALL", StringComparison.OrdinalIgnoreCase);
        var set = new SortedSet<int>((privileged ? LinuxCapabilities.Names : Default).Select(Number));
        if (adds.Any(IsAll))
        {
            set.UnionWith(Enumerable.Range(0, LinuxCapabilities.Names.Count));
        }
        if (drops.Any(IsAll))
        {
            set.Clear();
        }
        foreach (string n in adds.Where(n => !IsAll(n)))
        {
            set.Add(Require(n));
        }
        foreach (string n in drops.Where(n => !IsAll(n)))
        {
            set.Remove(Require(n));
        }
        // A privileged container has every capability whatever add and drop say (checked
        // all the same), as containerd's WithPrivileged and CRI-O's SetupPrivileged make it:
        // `privileged: true` beside a hardened default's `drop: [ALL]` is still privileged.
        return privileged ? [.. Enumerable.Range(0, LinuxCapabilities.Names.Count)] : [.. set];
    }

    private static int Require(string name)
    {
        int number = Number(name);
        return number >= 0 ? number : throw new ArgumentException($"unknown capability \"{name}\"", nameof(name));
    }
}

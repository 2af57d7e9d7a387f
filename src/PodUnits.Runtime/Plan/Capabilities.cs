using PodUnits.Core.Linux;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// The bounding set a container gets (capability names and numbers are the definitions'
/// <see cref="LinuxCapabilities"/>): Docker's default set, or all when privileged,
/// then the definition's add and drop ("ALL" allowed in both, like Kubernetes).
/// </summary>
public static class Capabilities
{
    /// <summary>Docker's (and containerd's) default bounding set: 14 capabilities.</summary>
    public static readonly IReadOnlyList<string> DockerDefault =
    [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
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

    /// <summary>The bounding set, sorted; throws <see cref="ArgumentException"/> naming an unknown capability.</summary>
    public static List<int> BoundingSet(bool privileged, IEnumerable<string>? add, IEnumerable<string>? drop)
    {
        var set = new SortedSet<int>();
        IEnumerable<string> start = privileged ? LinuxCapabilities.Names : DockerDefault;
        foreach (string n in start)
        {
            set.Add(Number(n));
        }
        foreach (string n in drop ?? [])
        {
            if (n.Equals("ALL", StringComparison.OrdinalIgnoreCase)) { set.Clear(); continue; }
            set.Remove(Require(n));
        }
        foreach (string n in add ?? [])
        {
            if (n.Equals("ALL", StringComparison.OrdinalIgnoreCase)) { set.UnionWith(Enumerable.Range(0, LinuxCapabilities.Names.Count)); continue; }
            set.Add(Require(n));
        }
        return [.. set];
    }

    private static int Require(string name)
    {
        int number = Number(name);
        return number >= 0 ? number : throw new ArgumentException($"unknown capability \"{name}\"", nameof(name));
    }
}

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Capability names (capabilities(7), without the CAP_ prefix, as Kubernetes writes them)
/// and the bounding set a container gets: Docker's default set, or all when privileged,
/// then the definition's add and drop ("ALL" allowed in both, like Kubernetes).
/// </summary>
public static class Capabilities
{
    private static readonly string[] Names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ];

    /// <summary>Docker's (and containerd's) default bounding set: 14 capabilities.</summary>
    public static readonly IReadOnlyList<string> DockerDefault =
    [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ];

    /// <summary>The highest capability number this table knows (CAP_LAST_CAP of its kernel).</summary>
    public static int Last => Names.Length - 1;

    /// <summary>The number of a capability name ("NET_ADMIN" or "CAP_NET_ADMIN"), or -1.</summary>
    public static int Number(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string bare = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name[4..] : name;
        return Array.FindIndex(Names, n => n.Equals(bare, StringComparison.OrdinalIgnoreCase));
    }

    public static string Name(int number) => Names[number];

    /// <summary>The bounding set, sorted; throws <see cref="ArgumentException"/> naming an unknown capability.</summary>
    public static List<int> BoundingSet(bool privileged, IEnumerable<string>? add, IEnumerable<string>? drop)
    {
        var set = new SortedSet<int>();
        IEnumerable<string> start = privileged ? Names : DockerDefault;
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
            if (n.Equals("ALL", StringComparison.OrdinalIgnoreCase)) { set.UnionWith(Enumerable.Range(0, Names.Length)); continue; }
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

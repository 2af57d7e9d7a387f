using System.Globalization;

namespace PodUnits.Core.Linux;

/// <summary>Linux capability names (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40).
/// Kubernetes' runtimes accept them with or without the CAP_ prefix and in any case; we
/// normalize to "CAP_X", and accept "ALL" (as in <c>drop: ["ALL"]</c>).</summary>
public static class LinuxCapabilities
{
    /// <summary>Indexed by capability number.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    public const string All = "ALL";

    /// <summary>"net_admin", "CAP_NET_ADMIN", "Net_Admin" -> "CAP_NET_ADMIN"; "all" -> "ALL"; null if unknown.</summary>
    public static string? Normalize(string name)
    {
        string upper = name.ToUpperInvariant();
        if (upper == All)
        {
            return All;
        }
        string full = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return Names.Contains(full) ? full : null;
    }

    /// <summary>The capability number of a normalized name, or -1.</summary>
    public static int Number(string normalized)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (Names[i] == normalized)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A process's bounding set (CapBnd in /proc/PID/status); all bits set when the
    /// kernel does not say, so that nothing is refused on a guess.</summary>
    public static ulong BoundingSet(string status = "/proc/self/status")
    {
        foreach (string line in File.ReadLines(status))
        {
            if (line.StartsWith("CapBnd:", StringComparison.Ordinal)
                && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong set))
            {
                return set;
            }
        }
        return ulong.MaxValue;
    }
}

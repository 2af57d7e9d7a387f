using System.Text.RegularExpressions;

namespace PodUnits.Definitions;

/// <summary>The kernel namespace that isolates a sysctl, as the kubelet knows them.</summary>
public enum SysctlNamespace
{
    /// <summary>Not known to be namespaced: writing it would change the host.</summary>
    None,
    Ipc,
    Net,
}

/// <summary>
/// What Kubernetes knows about sysctl names (k8s.io/component-helpers node/util/sysctl and
/// pkg/kubelet/sysctl): the name syntax the API server checks, the '/' form sysctl.d(5)
/// accepts, which names a kernel namespace isolates, and the kubelet's safe set.
/// </summary>
public static partial class SysctlNames
{
    /// <summary>The API server's limit (validation.SysctlMaxLength).</summary>
    public const int MaxLength = 253;

    /// <summary>Kubernetes' SysctlContainSlashFmt: segments of [a-z0-9]([-_a-z0-9]*[a-z0-9])?
    /// joined by '.' or '/'.</summary>
    [GeneratedRegex(@"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex NameSyntax();

    /// <summary>
    /// The kubelet's safe set (docs "Using sysctls in a Kubernetes Cluster", Kubernetes 1.32+):
    /// namespaced and isolated, so always allowed. The kernel versions some of them need (4.15
    /// at most) are below what PodUnits needs anyway (docs/confinement.md).
    /// </summary>
    public static readonly IReadOnlyList<string> Safe =
    [
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    ];

    // NamespacedBy: one exact name and four prefixes.
    private static readonly (string Prefix, bool Exact, SysctlNamespace Namespace)[] Namespaced =
    [
        ("kernel.sem", true, SysctlNamespace.Ipc),
        ("kernel.shm", false, SysctlNamespace.Ipc),
        ("kernel.msg", false, SysctlNamespace.Ipc),
        ("fs.mqueue.", false, SysctlNamespace.Ipc),
        ("net.", false, SysctlNamespace.Net),
    ];

    /// <summary>Why <paramref name="name"/> (either form) is not a sysctl name, or null.</summary>
    public static string? Explain(string name) =>
        name.Length <= MaxLength && NameSyntax().IsMatch(name) ? null
            : $"must have at most {MaxLength} characters of a-z, 0-9, '-' and '_' in segments separated by '.' or '/', " +
              "each starting and ending with a letter or digit";

    /// <summary>
    /// The dot form of a name (the kubelet's NormalizeName, after sysctl.d(5)): when the first
    /// separator is '/', '/' and '.' swap, so "net/ipv4/conf/eth0.100/forwarding" is
    /// "net.ipv4.conf.eth0/100.forwarding" (the '/' stands for a '.' inside one segment).
    /// </summary>
    public static string Normalize(string name)
    {
        int first = name.IndexOfAny(['.', '/']);
        return first < 0 || name[first] == '.' ? name : Swap(name);
    }

    /// <summary>The file below /proc/sys for a name in dot form: "net/ipv4/conf/eth0.100/forwarding".</summary>
    public static string ProcPath(string normalized) => Swap(normalized);

    private static string Swap(string name) =>
        string.Create(name.Length, name, (span, s) =>
        {
            for (int i = 0; i < s.Length; i++)
            {
                span[i] = s[i] switch { '.' => '/', '/' => '.', char c => c };
            }
        });

    /// <summary>The namespace that isolates a sysctl or a pattern's prefix (dot form).</summary>
    public static SysctlNamespace NamespaceOf(string normalized)
    {
        foreach ((string prefix, bool exact, SysctlNamespace ns) in Namespaced)
        {
            if (exact ? normalized == prefix : normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ns;
            }
        }
        return SysctlNamespace.None;
    }

    public static bool IsSafe(string normalized) => Safe.Contains(normalized, StringComparer.Ordinal);
}

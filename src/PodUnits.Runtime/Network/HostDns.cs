using System.Net;
using System.Text;

namespace PodUnits.Runtime.Network;

/// <summary>
/// The resolv.conf a pod with its own network gets for dnsPolicy Default and ClusterFirst
/// (there is no cluster DNS: both mean the host's resolvers, as in podman). A nameserver on
/// the host's loopback cannot be reached from the pod's namespace: systemd-resolved's stub
/// (127.0.0.53) is replaced by the servers resolved itself uses, as podman does, and any
/// other loopback server is dropped with a comment saying so. No public resolver is added
/// in their place (Docker and podman fall back to 8.8.8.8): where the host has none the pod
/// can reach, dnsConfig says which to use (docs/networking.md).
/// </summary>
public static class HostDns
{
    public const string HostResolvConf = "/etc/resolv.conf";
    public const string ResolvedUpstream = "/run/systemd/resolve/resolv.conf";

    /// <summary>From the host's files; null when the host has no resolv.conf.</summary>
    public static string? ForPodNetwork()
    {
        if (!File.Exists(HostResolvConf))
        {
            return null;
        }
        string host = File.ReadAllText(HostResolvConf);
        string? upstream = File.Exists(ResolvedUpstream) ? File.ReadAllText(ResolvedUpstream) : null;
        return Rewrite(host, upstream);
    }

    /// <summary>Pure: <paramref name="host"/> as the pod should see it, given resolved's
    /// upstream file when there is one.</summary>
    public static string Rewrite(string host, string? resolvedUpstream)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (resolvedUpstream is not null && Nameservers(host).Any(ns => ns == "127.0.0.53"))
        {
            host = resolvedUpstream;
        }
        var text = new StringBuilder();
        foreach (string line in host.Split('\n'))
        {
            if (Nameserver(line) is string ns && IPAddress.TryParse(ns, out IPAddress? ip) && IPAddress.IsLoopback(ip))
            {
                text.Append("# ").Append(line.Trim()).Append(" (the host's loopback: not reachable from the pod)\n");
                continue;
            }
            text.Append(line).Append('\n');
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static IEnumerable<string> Nameservers(string text) => text.Split('\n').Select(Nameserver).OfType<string>();

    private static string? Nameserver(string line)
    {
        string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return words is ["nameserver", string address, ..] ? address : null;
    }
}

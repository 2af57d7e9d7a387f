using System.Net;
using System.Text;

namespace PodUnits.Runtime.Network;

/// <summary>
/// The resolv.conf a pod with its own network gets for dnsPolicy Default and ClusterFirst
/// (there is no cluster DNS: both mean the host's resolvers, as in podman). A nameserver on
/// the host's loopback cannot be reached from the pod's namespace: systemd-resolved's stub
/// (127.0.0.53) is replaced by the servers resolved itself uses, as podman does, and any
/// other loopback server is dropped with a comment saying so, as are servers the pod's network
/// cannot reach either (as podman's resolv.conf filter drops them): an IPv6 link-local one
/// (resolved writes `fe80::1%2`, a zone that is an interface of the host's, from a router's
/// RDNSS), and every IPv6 one when the network gives the pod no IPv6 address. glibc uses only
/// the first three servers: unreachable ones ahead of the reachable would fail every lookup
/// (review of 2026-12-05, finding 5). No public resolver is added
/// in their place (Docker and podman fall back to 8.8.8.8): where the host has none the pod
/// can reach, dnsConfig says which to use (docs/networking.md).
/// </summary>
public static class HostDns
{
    public const string HostResolvConf = "/etc/resolv.conf";
    public const string ResolvedUpstream = "/run/systemd/resolve/resolv.conf";

    /// <summary>From the host's files; null when the host has no resolv.conf.</summary>
    /// <param name="podHasIpv6">Whether the pod's network may give it an IPv6 address (true
    /// when its IPAM cannot tell, as dhcp's).</param>
    /// <param name="podHasIpv4">Whether it may give it an IPv4 address (false on an IPv6-only
    /// network: three IPv4 servers ahead of an IPv6 one failed every lookup there, as the
    /// other way round: network review of 2026-12-06, finding 8).</param>
    public static string? ForPodNetwork(bool podHasIpv6, bool podHasIpv4 = true)
    {
        if (!File.Exists(HostResolvConf))
        {
            return null;
        }
        string host = File.ReadAllText(HostResolvConf);
        string? upstream = File.Exists(ResolvedUpstream) ? File.ReadAllText(ResolvedUpstream) : null;
        return Rewrite(host, upstream, podHasIpv6, podHasIpv4);
    }

    /// <summary>Pure: <paramref name="host"/> as the pod should see it, given resolved's
    /// upstream file when there is one.</summary>
    public static string Rewrite(string host, string? resolvedUpstream, bool podHasIpv6 = true, bool podHasIpv4 = true)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (resolvedUpstream is not null && Nameservers(host).Any(ns => ns == "127.0.0.53"))
        {
            host = resolvedUpstream;
        }
        var text = new StringBuilder();
        foreach (string line in host.Split('\n'))
        {
            if (Nameserver(line) is string ns && Unreachable(ns, podHasIpv6, podHasIpv4) is { } why)
            {
                text.Append("# ").Append(line.Trim()).Append(" (").Append(why).Append(")\n");
                continue;
            }
            text.Append(line).Append('\n');
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Why the pod cannot reach <paramref name="nameserver"/>; null when it can (or
    /// it is no address, which the resolver ignores anyway).</summary>
    private static string? Unreachable(string nameserver, bool podHasIpv6, bool podHasIpv4)
    {
        if (!IPAddress.TryParse(nameserver, out IPAddress? ip))
        {
            return null;
        }
        if (IPAddress.IsLoopback(ip))
        {
            return "the host's loopback: not reachable from the pod";
        }
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || ip.IsIPv4MappedToIPv6)
        {
            return podHasIpv4 ? null : "IPv4: the pod's network gives it no IPv4 address";
        }
        return ip.IsIPv6LinkLocal || nameserver.Contains('%', StringComparison.Ordinal) ? "link-local, on a link of the host's: not reachable from the pod"
            : podHasIpv6 ? null
            : "IPv6: the pod's network gives it no IPv6 address";
    }

    /// <summary>Whether <paramref name="resolvConf"/> names a server (one not commented out).</summary>
    public static bool HasNameserver(string resolvConf) => Nameservers(resolvConf ?? "").Any();

    private static IEnumerable<string> Nameservers(string text) => text.Split('\n').Select(Nameserver).OfType<string>();

    private static string? Nameserver(string line)
    {
        string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return words is ["nameserver", string address, ..] ? address : null;
    }
}

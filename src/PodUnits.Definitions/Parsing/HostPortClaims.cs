using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// ports[].hostPort and hostIP across every container of one pod, checked as the API server
/// does: a port number, an IP address, no two ports of the pod claiming the same host port,
/// protocol and address, and with hostNetwork a hostPort equal to its containerPort (the
/// container's own socket is then the host's). Whether another pod holds the port is known
/// only at start (docs/networking.md).
/// </summary>
internal sealed class HostPortClaims(ParseContext ctx, bool hostNetwork)
{
    private readonly List<(PortProtocol Protocol, string Address, long Port, string Path)> _claimed = [];

    public (int? HostPort, string? HostIP) Map(Fields port, string path, long? containerPort, PortProtocol protocol)
    {
        // 0 is the API's "not published" (the int32's zero value, omitted when serialized).
        long? hostPort = port.Integer("hostPort", 0, 65535) is long n and not 0 ? n : null;
        string? hostIP = port.String("hostIP");
        if (hostIP is not null && Names.IpAddressProblem(hostIP) is { } problem)
        {
            ctx.Error(port.Value("hostIP")!, $"{path}.hostIP: \"{hostIP}\" {problem}");
            hostIP = null;
        }
        // One spelling per address: 2001:DB8::1 and 2001:db8::1 escaped the claims, the
        // overlap checks and a crashed holder's release, which compare text (network review
        // of 2026-12-06, finding 6). IPv4 is canonical already (Names.IpAddressProblem).
        hostIP = hostIP is null ? null : System.Net.IPAddress.Parse(hostIP).ToString();
        if (hostIP is not null && hostPort is null)
        {
            ctx.Error(port.Value("hostIP")!, $"{path}.hostIP: needs hostPort (hostIP says where hostPort is published)");
        }
        if (hostPort is null && hostNetwork && containerPort is long own && port.Value("containerPort") is { } containerAt)
        {
            // With hostNetwork the container's port is the host's whether or not hostPort says
            // so (Kubernetes defaults it): two containers on one port cannot both bind it
            // (network review of 2026-12-06, finding 7).
            Claim(containerAt, $"{path}.containerPort", protocol, hostIP ?? "0.0.0.0", own);
        }
        if (hostPort is not long host)
        {
            return (null, hostIP);
        }
        YNode at = port.Value("hostPort")!;
        if (hostNetwork && containerPort is long inside && inside != host)
        {
            ctx.Error(at, $"{path}.hostPort: with hostNetwork the container's port is the host's: must equal containerPort {inside}, found {host}");
        }
        Claim(at, $"{path}.hostPort", path, protocol, hostIP ?? "0.0.0.0", host);
        return ((int)host, hostIP);
    }

    private void Claim(YNode at, string field, PortProtocol protocol, string address, long host) =>
        Claim(at, field, field[..field.LastIndexOf('.')], protocol, address, host);

    private void Claim(YNode at, string field, string path, PortProtocol protocol, string address, long host)
    {
        // A wildcard overlaps the addresses it binds, as the scheduler counts 0.0.0.0 (an
        // unset hostIP) as conflicting with any hostIP of either family: on a dual-stack
        // network an unset hostIP is held and mapped on IPv6 too. :: is every address.
        var other = _claimed.FirstOrDefault(c => c.Protocol == protocol && c.Port == host
            && (c.Address == address || Covers(c.Address) || Covers(address)));
        if (other.Path is not null)
        {
            ctx.Error(at, other.Address == address
                ? $"{field}: {host}/{protocol} on {address} is already published by {other.Path}"
                : $"{field}: {host}/{protocol} on {Described(address)} overlaps {Described(other.Address)}, where {other.Path} publishes it");
        }
        else
        {
            _claimed.Add((protocol, address, host, path));
        }
    }

    private static bool Covers(string wildcard) => wildcard is "::" or "0.0.0.0";

    private static string Described(string address) => address switch
    {
        "0.0.0.0" => "0.0.0.0 (every address)",
        "::" => ":: (every address)",
        _ => address,
    };
}

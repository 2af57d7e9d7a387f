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
        if (hostIP is not null && hostPort is null)
        {
            ctx.Error(port.Value("hostIP")!, $"{path}.hostIP: needs hostPort (hostIP says where hostPort is published)");
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
        string address = hostIP ?? "0.0.0.0";
        // A wildcard overlaps the addresses it binds (bind(2) refuses the second socket, as
        // the scheduler counts 0.0.0.0 as conflicting with any hostIP): 0.0.0.0 every IPv4
        // address, :: every address (a dual-stack socket, Linux's default).
        var other = _claimed.FirstOrDefault(c => c.Protocol == protocol && c.Port == host
            && (c.Address == address || Covers(c.Address, address) || Covers(address, c.Address)));
        if (other.Path is not null)
        {
            ctx.Error(at, other.Address == address
                ? $"{path}.hostPort: {host}/{protocol} on {address} is already published by {other.Path}"
                : $"{path}.hostPort: {host}/{protocol} on {Described(address)} overlaps {Described(other.Address)}, where {other.Path} publishes it");
        }
        else
        {
            _claimed.Add((protocol, address, host, path));
        }
        return ((int)host, hostIP);
    }

    private static bool Covers(string wildcard, string address) =>
        wildcard == "::" || (wildcard == "0.0.0.0" && !address.Contains(':', StringComparison.Ordinal));

    private static string Described(string address) => address switch
    {
        "0.0.0.0" => "0.0.0.0 (every IPv4 address)",
        "::" => ":: (every address)",
        _ => address,
    };
}

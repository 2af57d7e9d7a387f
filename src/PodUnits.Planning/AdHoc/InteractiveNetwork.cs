using System.Globalization;
using System.Net;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Definitions;

using PodUnits.Runtime.Network;

namespace PodUnits.Planning.AdHoc;

/// <summary>
/// `podunits run --interactive`'s --net and --port, in podman's and rkt's terms: --net host
/// (the host's network) or a network's name, --port [HOSTIP:]HOSTPORT:CONTAINERPORT[/PROTO].
/// </summary>
public sealed record InteractiveNetwork(bool HostNetwork, string? Network, IReadOnlyList<ContainerPort> Ports)
{
    public static InteractiveNetwork Default { get; } = new(false, null, []);

    public static InteractiveNetwork Parse(string? net, IReadOnlyList<string> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (net is not null && net != "host" && NetworkNames.Explain(net) is string why)
        {
            throw new BadInputException("--net", $"\"{net}\" is neither \"host\" nor a network name: {why}");
        }
        var parsed = ports.Select(ParsePort).ToList();
        if (net == "host" && parsed.Any(p => p.HostPort != p.Number))
        {
            throw new BadInputException("--port", "with --net host the container's ports are the host's: HOSTPORT must equal CONTAINERPORT");
        }
        return new InteractiveNetwork(net == "host", net is "host" ? null : net, parsed);
    }

    private static ContainerPort ParsePort(string text)
    {
        string spec = text;
        var protocol = PortProtocol.TCP;
        int slash = spec.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = spec[(slash + 1)..].ToUpperInvariant() switch
            {
                "TCP" => PortProtocol.TCP,
                "UDP" => PortProtocol.UDP,
                "SCTP" => PortProtocol.SCTP,
                _ => throw new BadInputException("--port", $"\"{text}\": the protocol must be tcp, udp or sctp"),
            };
            spec = spec[..slash];
        }
        // HOSTIP may be IPv6 ("[::1]:8080:80" or "::1:8080:80"): the ports are the last two fields.
        int last = spec.LastIndexOf(':');
        int middle = last > 0 ? spec.LastIndexOf(':', last - 1) : -1;
        if (last < 0 || middle == last)
        {
            throw new BadInputException("--port", $"\"{text}\": expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/PROTO]");
        }
        string? ip = middle < 0 ? null : spec[..middle].Trim('[', ']');
        string hostPort = middle < 0 ? spec[..last] : spec[(middle + 1)..last];
        if (ip is not null && !IPAddress.TryParse(ip, out _))
        {
            throw new BadInputException("--port", $"\"{text}\": \"{ip}\" is not an IP address");
        }
        return new ContainerPort(Number(spec[(last + 1)..], text), protocol, null, Number(hostPort, text), ip);
    }

    private static int Number(string port, string text) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 65535
            ? n
            : throw new BadInputException("--port", $"\"{text}\": \"{port}\" is not a port number (1-65535)");
}

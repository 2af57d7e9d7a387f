using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// The annotations of sd_notify and socket activation (docs/activation.md), checked against
/// the pod's containers once they are mapped:
/// <c>podunits.io/notify: C</c>, <c>podunits.io/listen: "tcp:8080, udp:[::1]:53, unix:/run/x/x.sock"</c>
/// and <c>podunits.io/listen-container: C</c>. Listen addresses end up in a unit file, so
/// only a strict grammar passes: a port, an IP literal with a port, an absolute path of
/// plain characters; no host names (systemd binds IP addresses), no '%' (unit specifiers),
/// no spaces or line breaks.
/// </summary>
internal static class ActivationAnnotations
{
    public const string Notify = "podunits.io/notify";
    public const string Listen = "podunits.io/listen";
    public const string ListenContainer = "podunits.io/listen-container";

    /// <summary>More sockets than any service needs; keeps the unit and LISTEN_FDS small.</summary>
    public const int MaxListen = 32;

    /// <summary>sockaddr_un's sun_path holds 108 bytes with the terminating NUL.</summary>
    private const int MaxUnixPath = 107;

    public static PodActivation Map(IReadOnlyDictionary<string, string> annotations, Func<string, YNode> at, ParseContext ctx,
        IReadOnlyList<ContainerDefinition> containers, IReadOnlyList<ContainerDefinition> initContainers, bool hostNetwork)
    {
        string? notify = annotations.TryGetValue(Notify, out string? n) ? CheckContainer(Notify, n, at(Notify), ctx, containers, initContainers) : null;
        string? listenContainer = annotations.TryGetValue(ListenContainer, out string? lc)
            ? CheckContainer(ListenContainer, lc, at(ListenContainer), ctx, containers, initContainers) : null;
        List<ListenAddress> listen = [];
        if (annotations.TryGetValue(Listen, out string? text))
        {
            YNode where = at(Listen);
            listen = ParseAll(text, out string? why) ?? [];
            if (why is not null)
            {
                ctx.Error(where, $"metadata.annotations.{Listen}: {why}");
            }
            else if (PublishedTwice(listen, [.. containers, .. initContainers], hostNetwork) is string twice)
            {
                ctx.Error(where, $"metadata.annotations.{Listen}: {twice}");
            }
            else if (listenContainer is null && !annotations.ContainsKey(ListenContainer))
            {
                if (containers.Count == 1)
                {
                    listenContainer = containers[0].Name;
                }
                else if (containers.Count > 1)
                {
                    ctx.Error(where, $"metadata.annotations.{Listen}: the pod has {containers.Count} containers; name the one that " +
                        $"gets the sockets with {ListenContainer}");
                }
            }
        }
        return notify is null && listenContainer is null && listen.Count == 0
            ? PodActivation.None
            : new PodActivation { NotifyContainer = notify, ListenContainer = listenContainer, Listen = listen };
    }

    /// <summary>
    /// A listening socket on a port the pod also publishes as a hostPort: systemd's socket
    /// holds the port before the pod starts, so the executor's hold on the hostPort would
    /// fail on the pod's own socket at every start, and the first connection would wait in
    /// vain. (With hostNetwork nothing is published: the socket is the pod's port.)
    /// </summary>
    private static string? PublishedTwice(List<ListenAddress> listen, IReadOnlyList<ContainerDefinition> containers, bool hostNetwork)
    {
        if (hostNetwork)
        {
            return null;
        }
        foreach (ListenAddress socket in listen.Where(l => !l.Address.StartsWith('/')))
        {
            int colon = socket.Address.LastIndexOf(':');
            string ip = colon < 0 ? "" : socket.Address[..colon].Trim('[', ']');
            int port = int.Parse(socket.Address[(colon + 1)..], CultureInfo.InvariantCulture);
            PortProtocol protocol = socket.Setting == "ListenStream" ? PortProtocol.TCP : PortProtocol.UDP;
            foreach (ContainerDefinition c in containers)
            {
                if (c.Ports.FirstOrDefault(p => p.HostPort == port && p.Protocol == protocol
                    && (ip is "" or "0.0.0.0" or "::" || p.HostIP is null or "0.0.0.0" or "::" || p.HostIP == ip)) is not null)
                {
                    return $"{protocol.ToString().ToLowerInvariant()} port {port} is also container {c.Name}'s hostPort: the socket " +
                        "already holds it, so the pod could never publish it; remove one of the two";
                }
            }
        }
        return null;
    }

    private static string? CheckContainer(string key, string value, YNode at, ParseContext ctx,
        IReadOnlyList<ContainerDefinition> containers, IReadOnlyList<ContainerDefinition> initContainers)
    {
        if (containers.Any(c => c.Name == value))
        {
            return value;
        }
        string why = initContainers.Any(c => c.Name == value)
            ? $"\"{value}\" is an init container; it must name one of spec.containers"
            : $"no container \"{value}\" in spec.containers{Suggest.Hint(value, containers.Select(c => c.Name))}";
        ctx.Error(at, $"metadata.annotations.{key}: {why}");
        return null;
    }

    /// <summary>A comma-separated list of addresses; null and <paramref name="why"/> when one is bad.</summary>
    public static List<ListenAddress>? ParseAll(string text, out string? why)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new List<ListenAddress>();
        foreach (string item in items)
        {
            if (Parse(item, out why) is not { } address)
            {
                return null;
            }
            if (result.Contains(address))
            {
                why = $"\"{item}\" is listed twice";
                return null;
            }
            result.Add(address);
        }
        if (result.Count > MaxListen)
        {
            why = $"at most {MaxListen} addresses, found {result.Count}";
            return null;
        }
        why = StreamsOverlapping(result);
        return why is null ? result : null;
    }

    /// <summary>
    /// Two TCP addresses the socket unit could never both bind: a port alone (or [::]) listens
    /// on every IPv6 and IPv4 address of the port (systemd's BindIPv6Only=both, the kernel's
    /// bindv6only 0), 0.0.0.0 on every IPv4 one, and a second socket on one of those addresses
    /// fails with EADDRINUSE, failing pod@NAME.socket at every start, at boot too, where
    /// `podunits validate` had passed it (generator review of 2026-12-06, finding 2). UDP
    /// sockets may share a port (SO_REUSEADDR), as unix paths are no ports.
    /// </summary>
    private static string? StreamsOverlapping(List<ListenAddress> listen)
    {
        var inet = listen.Where(l => l.Setting == "ListenStream" && !l.Address.StartsWith('/')).Select(l =>
        {
            int colon = l.Address.LastIndexOf(':');
            return (Address: l.Address, Host: colon < 0 ? "" : l.Address[..colon], Port: colon < 0 ? l.Address : l.Address[(colon + 1)..]);
        }).ToList();
        static bool EveryAddress(string host) => host is "" or "[::]";
        static bool IPv4(string host) => !host.StartsWith('[');
        foreach (var a in inet)
        {
            foreach (var b in inet.Where(b => b.Address != a.Address && b.Port == a.Port))
            {
                if (EveryAddress(a.Host) || (a.Host == "0.0.0.0" && IPv4(b.Host) && b.Host.Length > 0))
                {
                    string every = EveryAddress(a.Host) ? "every IPv6 and IPv4 address" : "every IPv4 address";
                    return $"\"tcp:{a.Address}\" listens on {every} of port {a.Port} already, so the socket could never bind \"tcp:{b.Address}\" too; keep one of the two";
                }
            }
        }
        return null;
    }

    /// <summary>One address: tcp:PORT, tcp:IPV4:PORT, tcp:[IPV6]:PORT (udp: the same), unix:/PATH.</summary>
    public static ListenAddress? Parse(string item, out string? why)
    {
        ArgumentNullException.ThrowIfNull(item);
        why = null;
        string[] parts = item.Split(':', 2);
        string rest = parts.Length == 2 ? parts[1] : "";
        switch (parts[0])
        {
            case "tcp" or "udp" when InetAddress(rest) is string address:
                return new ListenAddress(parts[0] == "tcp" ? "ListenStream" : "ListenDatagram", address);
            case "tcp" or "udp":
                why = $"\"{item}\" is not {parts[0]}:PORT, {parts[0]}:IPV4:PORT or {parts[0]}:[IPV6]:PORT (ports 1-65535 without a leading zero, IP literals only)";
                return null;
            case "unix" when UnixPathProblem(rest) is string problem:
                why = $"\"{item}\": {problem}";
                return null;
            case "unix":
                return new ListenAddress("ListenStream", rest);
            default:
                why = item.Length == 0
                    ? "an empty address (a stray comma?)"
                    : $"\"{item}\" must start with tcp:, udp: or unix: (for example tcp:8080, tcp:[::1]:9090, unix:/run/app/app.sock)";
                return null;
        }
    }

    /// <summary>The systemd form (PORT, IPV4:PORT, [IPV6]:PORT) of an inet address, or null.</summary>
    private static string? InetAddress(string text)
    {
        int colon = text.LastIndexOf(':');
        string host = colon < 0 ? "" : text[..colon];
        string port = colon < 0 ? text : text[(colon + 1)..];
        // No leading zero: systemd reads a port with strtoul's base 0, so "010" is port 8 and
        // "0808" no port at all (generator review of 2026-12-06, finding 9).
        if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || port[0] == '0'
            || int.Parse(port, CultureInfo.InvariantCulture) is < 1 or > 65535)
        {
            return null;
        }
        if (host.Length == 0)
        {
            return colon < 0 ? port : null;
        }
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            string inner = host[1..^1];
            // No zone index (fe80::1%eth0): '%' would be a unit specifier.
            return inner.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
                && IPAddress.TryParse(inner, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? $"[{inner}]:{port}" : null;
        }
        // IPAddress.TryParse takes "1" or "1.2" as IPv4 too, and a leading zero as octal,
        // which systemd's inet_pton refuses: four dotted parts, each as written canonically.
        string[] octets = host.Split('.');
        return octets.Length == 4 && octets.All(o => o.Length is > 0 and <= 3 && o.All(char.IsAsciiDigit))
            && IPAddress.TryParse(host, out IPAddress? v4) && v4.AddressFamily == AddressFamily.InterNetwork && v4.ToString() == host
            ? $"{host}:{port}" : null;
    }

    private static string? UnixPathProblem(string path)
    {
        if (!path.StartsWith('/') || path.Length < 2)
        {
            return "the socket's path must be absolute";
        }
        if (path.Length > MaxUnixPath)
        {
            return $"the socket's path must be at most {MaxUnixPath} characters";
        }
        if (!path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-'))
        {
            return "the socket's path may hold only letters, digits, '/', '.', '_' and '-'";
        }
        if (path.EndsWith('/') || path.Split('/').Skip(1).Any(s => s is "" or "." or ".."))
        {
            return "the socket's path must be normalized (no empty, '.' or '..' parts, no trailing '/')";
        }
        // systemd unlinks whatever is at the path when its bind finds it taken: a socket of the
        // pod's lives in /run, away from the sockets the host itself depends on.
        if (!path.StartsWith("/run/", StringComparison.Ordinal))
        {
            return "the socket's path must be in /run (systemd replaces whatever is at it), for example unix:/run/app/app.sock";
        }
        if (ReservedRunDirectories.FirstOrDefault(d => path == d || path.StartsWith(d + "/", StringComparison.Ordinal)) is string taken)
        {
            return $"{taken} is the host's own (systemd, D-Bus, PodUnits...); choose another directory of /run";
        }
        // Files right in /run are the host's (xtables.lock, which iptables-legacy and so every
        // CNI portmap locks; utmp; daemons' sockets): a socket there would replace one. In a
        // directory of its own, a pod's socket is named for what it is (activation review of
        // 2026-12-06, finding 9).
        if (path.Count(c => c == '/') < 3)
        {
            return $"the socket's path must be in a directory of its own in /run, not right in it (systemd replaces whatever is at it, and /run's files are the host's), for example unix:/run/app/{path["/run/".Length..]}";
        }
        return null;
    }

    /// <summary>Directories of /run whose sockets and files the host itself depends on.</summary>
    private static readonly string[] ReservedRunDirectories =
    [
        "/run/systemd", "/run/dbus", "/run/udev", "/run/user", "/run/podunits", "/run/lock", "/run/log",
        "/run/initctl", "/run/utmp", "/run/nologin", "/run/mount", "/run/credentials", "/run/host",
        "/run/netns", "/run/cni", "/run/containerd", "/run/docker.sock", "/run/docker", "/run/podman",
        "/run/crio", "/run/libvirt", "/run/nscd", "/run/avahi-daemon", "/run/snapd", "/run/NetworkManager", "/run/sshd",
    ];
}

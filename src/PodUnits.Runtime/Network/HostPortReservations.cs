using PodUnits.Core.Native;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using PodUnits.Core.Errors;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Network;

/// <summary>
/// Holds each published host port with a socket bound to it, as the kubelet's hostport
/// manager did (a listening TCP socket, a bound UDP one): a second pod, or any program on
/// the host, then cannot take the port, and the executor learns of a conflict from bind(2)
/// before it changes any firewall rule. portmap's DNAT rules act before any socket is
/// looked up, so the held socket never sees the pod's traffic. The sockets close with the
/// executor, crash or not; the claims are also written to the pod's runtime directory so a
/// conflict names the pod.
/// </summary>
public sealed class HostPortReservations : IDisposable
{
    private const string ClaimsFile = "ports";
    private readonly List<int> _fds = [];

    private HostPortReservations()
    {
    }

    /// <param name="families">The address families the pod's network gives it (null: unknown,
    /// as with dhcp, taken as IPv4). A port published on every address (no hostIP) is mapped
    /// for each of them (portmap's iptables and ip6tables rules), so each one's wildcard is
    /// held, IPv6 on a socket of its own (IPV6_V6ONLY), and only those: on an IPv6-only
    /// network an IPv4 hold took IPv4 connections nothing maps and never answered them
    /// (network review of 2026-12-06, finding 3), as the kubelet's holder too held the pod
    /// IP's family only.</param>
    public static HostPortReservations Reserve(string pod, IReadOnlyList<PortMappingPlan> ports, IReadOnlySet<AddressFamily>? families = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var held = new HostPortReservations();
        using var claiming = ports.Count > 0 ? ClaimsLock() : null;
        try
        {
            foreach (PortMappingPlan port in ports)
            {
                // A hostNetwork pod's claim holds no socket (its own program binds the port,
                // perhaps not yet): the claims are looked at first, not only when bind fails.
                if (Holder(port, pod) is { } other)
                {
                    throw new PodUnitsException($"pod {pod}", $"cannot publish hostPort {port}: {other} uses it");
                }
                bool every = port.HostIP.Length == 0;
                if ((!every || families is null || families.Contains(AddressFamily.InterNetwork))
                    && held.Hold(port, every ? IPAddress.Any : IPAddress.Parse(port.HostIP)) is int errno and not 0)
                {
                    throw Refused(pod, port, errno, "");
                }
                if (every && families?.Contains(AddressFamily.InterNetworkV6) == true && held.Hold(port, IPAddress.IPv6Any) is int errno6 and not 0 && errno6 != LibC.EAFNOSUPPORT)
                {
                    // EAFNOSUPPORT: a kernel without IPv6 (ipv6.disable=1) maps no IPv6 either.
                    throw Refused(pod, port, errno6, " on IPv6");
                }
            }
            if (ports.Count > 0)
            {
                WriteClaims(pod, ports);
            }
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static PodUnitsException Refused(string pod, PortMappingPlan port, int errno, string family) =>
        new($"pod {pod}", $"cannot publish hostPort {port}: " + (errno == LibC.EADDRINUSE
            ? $"{Holder(port, pod) ?? "another program on the host"} uses it{family} (address already in use)"
            : errno == LibC.EADDRNOTAVAIL
                ? $"{port.HostIP} is not an address of this host (hostIP)"
                : Marshal.GetPInvokeErrorMessage(errno)));

    /// <summary>
    /// The ports of a hostNetwork pod's containers (Kubernetes defaults each hostPort to its
    /// containerPort there): no socket is held, as the pod's own programs bind them on the
    /// host, but they are claimed like a published pod's. A port another running pod claims
    /// is refused naming that pod, as the scheduler would not place the two together, rather
    /// than left to fail inside the second pod's program.
    /// </summary>
    public static void ClaimForHostNetwork(string pod, IReadOnlyList<PortMappingPlan> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (ports.Count == 0)
        {
            return;
        }
        using FileLock claiming = ClaimsLock();
        foreach (PortMappingPlan port in ports)
        {
            if (Holder(port, pod) is { } other)
            {
                throw new PodUnitsException($"pod {pod}", $"cannot use hostPort {port} on the host's network: {other} uses it");
            }
        }
        WriteClaims(pod, ports);
    }

    /// <summary>The pod's claims, one <see cref="PortMappingPlan.ToString"/> per line, for
    /// <see cref="Holder"/> of the pods that start after it; written under the lock.</summary>
    private static void WriteClaims(string pod, IReadOnlyList<PortMappingPlan> ports)
    {
        PodPaths.CreatePrivateDirectory(PodPaths.RuntimeDir(pod));
        PodPaths.WritePrivateFile($"{PodPaths.RuntimeDir(pod)}/{ClaimsFile}", string.Join('\n', ports.Select(p => p.ToString())) + "\n");
    }

    /// <summary>Serializes checking the claims against writing one's own, between pods that
    /// start at the same moment (a flock, released with the descriptor; not a FileStream,
    /// whose own lock would fail a second opener instead of making it wait). Beside the state
    /// directory, not in it: there NAME.lock is pod NAME's claim, and "ports" is a valid pod name.</summary>
    private static FileLock ClaimsLock()
    {
        PodPaths.CreateRuntimeRoot();
        return FileLock.Exclusive(LockPath);
    }

    internal const string LockPath = "/run/podunits/ports.lock";

    public void Dispose()
    {
        _fds.ForEach(fd => _ = LibC.close(fd));
        _fds.Clear();
    }

    /// <summary>
    /// Binds a socket to the port; returns 0, or bind(2)'s errno (EADDRINUSE: it is taken). A TCP socket
    /// has SO_REUSEADDR, as every server sets it, and listens: a connection of an earlier
    /// holder of the port left in TIME-WAIT (a host service moved into a pod, a pod's
    /// restart) does not block it, while a listening socket still refuses every later bind,
    /// SO_REUSEADDR or not. Two sockets that both have SO_REUSEADDR and neither listens may
    /// share a port, which would hide the very conflict this is for; that is why it
    /// listens, and why this is libc rather than System.Net.Sockets, which decides the
    /// option itself.
    /// </summary>
    private unsafe int Hold(PortMappingPlan port, IPAddress address)
    {
        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        (int type, int protocol) = port.Protocol switch
        {
            "udp" => (LibC.SOCK_DGRAM, LibC.IPPROTO_UDP),
            "sctp" => (LibC.SOCK_STREAM, 132), // IPPROTO_SCTP
            _ => (LibC.SOCK_STREAM, LibC.IPPROTO_TCP),
        };
        int fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET, type | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            // No SCTP in this kernel: nothing to hold, portmap still maps it.
            return port.Protocol == "sctp" ? 0 : LibC.errno;
        }
        int on = 1;
        if (port.Protocol == "tcp")
        {
            _ = LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, &on, sizeof(int));
        }
        if (v6)
        {
            // [::] alone: the IPv4 wildcard is held by a socket of its own (or not at all, for
            // an IPv6 hostIP), and net.ipv6.bindv6only must not decide what this one takes.
            _ = LibC.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, &on, sizeof(int));
        }
        byte[] ip = address.GetAddressBytes();
        ushort portBE = (ushort)IPAddress.HostToNetworkOrder((short)port.HostPort);
        int bound;
        if (v6)
        {
            var sa = default(sockaddr_in6);
            sa.sin6_family = (ushort)LibC.AF_INET6;
            sa.sin6_port = portBE;
            Marshal.Copy(ip, 0, (nint)(&sa.sin6_addr), 16);
            bound = LibC.bind(fd, (sockaddr*)&sa, (uint)sizeof(sockaddr_in6));
        }
        else
        {
            var sa = default(sockaddr_in);
            sa.sin_family = (ushort)LibC.AF_INET;
            sa.sin_port = portBE;
            Marshal.Copy(ip, 0, (nint)(&sa.sin_addr), 4);
            bound = LibC.bind(fd, (sockaddr*)&sa, (uint)sizeof(sockaddr_in));
        }
        if (bound == 0 && port.Protocol == "tcp")
        {
            bound = LibC.listen(fd, 1);
        }
        if (bound != 0)
        {
            int errno = LibC.errno;
            _ = LibC.close(fd);
            return errno;
        }
        _fds.Add(fd);
        return 0;
    }

    /// <summary>The host ports a running pod claims, as written (for status); none when it
    /// claims none or the file cannot be read.</summary>
    public static IReadOnlyList<string> Claims(string pod)
    {
        string file = $"{PodPaths.RuntimeDir(pod)}/{ClaimsFile}";
        try
        {
            return File.Exists(file) ? [.. File.ReadLines(file).Where(l => l.Length > 0)] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The running pod whose claims overlap <paramref name="port"/>, as "pod NAME".</summary>
    private static string? Holder(PortMappingPlan port, string self)
    {
        if (!Directory.Exists(PodPaths.RuntimeRoot))
        {
            return null;
        }
        foreach (string dir in Directory.EnumerateDirectories(PodPaths.RuntimeRoot))
        {
            string pod = System.IO.Path.GetFileName(dir);
            string file = System.IO.Path.Join(dir, ClaimsFile);
            // Held by a run: gc, `podunits stop` or another start releasing a dead pod's network
            // hold its name too, and that pod uses no port any more; its rules are left to the
            // release of dead holders (PodNetwork.ReleaseCrashedHoldersAsync), which waits for
            // theirs (review of the merged network change, 2026-12-07, finding 2).
            if (pod == self || !File.Exists(file) || !PodClaim.IsHeld(pod) || !PodNetwork.RunHolds(pod))
            {
                continue;
            }
            // Claims() catches what reading may meet: the pod may end (or restart, clearing
            // its runtime directory) between the look and the read, and a start then failed
            // with an internal error (network review of 2026-12-07, finding 5). A pod whose
            // claims are gone holds no port.
            foreach (string line in Claims(pod))
            {
                if (Overlaps(line, port))
                {
                    return $"pod {pod}";
                }
            }
        }
        return null;
    }

    /// <summary>Whether a claim written by <see cref="PortMappingPlan.ToString"/> takes the same
    /// port: same number and protocol, and the same address or either one every address.</summary>
    internal static bool Overlaps(string claim, PortMappingPlan port)
    {
        int colon = claim.LastIndexOf(':');
        string ip = colon < 0 ? "" : claim[..colon].TrimStart('[').TrimEnd(']');
        string[] rest = claim[(colon + 1)..].Split('/');
        return rest.Length == 2 && int.TryParse(rest[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int hostPort)
            && Overlaps(ip, hostPort, rest[1], port);
    }

    /// <summary>Whether host port <paramref name="hostPort"/>/<paramref name="protocol"/> on
    /// <paramref name="ip"/> ("" for every address) is the same port as <paramref name="port"/>.</summary>
    internal static bool Overlaps(string ip, int hostPort, string? protocol, PortMappingPlan port) =>
        hostPort == port.HostPort && protocol == port.Protocol && (IsEvery(ip) || IsEvery(port.HostIP) || ip == port.HostIP);

    /// <summary>Unset, 0.0.0.0 and :: all mean every address (bind(2)'s wildcards).</summary>
    private static bool IsEvery(string ip) => ip is "" or "0.0.0.0" or "::";
}

using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PodUnits.Definitions;

using PodUnits.Runtime.Plan;

using PodUnits.Runtime.State;

namespace PodUnits.Planning.Plan;

/// <summary>
/// The host facts the downward API shows (<see cref="NodeFacts"/>), read in stage 0, in the
/// host's namespaces: the hostname as spec.nodeName; as status.hostIP the first IPv4 address
/// of the interface holding the default route (the address the kubelet would report as the
/// node's InternalIP on a one-host setup), else of any interface that is up and not loopback,
/// and on a host without IPv4 the first global IPv6 address chosen the same way (status.hostIPs
/// lists both families, IPv4 first, as on a dual-stack node);
/// node allocatable as the online CPUs, MemTotal and the size of the file system holding
/// /var/lib/podunits.
/// </summary>
public static class HostFacts
{
    public static NodeFacts Gather(string podMachineId)
    {
        (string hostIP, string hostIPs) = HostIPs();
        return new(NodeName(ReadHostname()), hostIP, PodUid(podMachineId), OnlineCpus() * 1000L, MemTotal(), StorageBytes(), hostIPs);
    }

    /// <summary>spec.nodeName as the kubelet takes it: the whole hostname, lowercased.
    /// Environment.MachineName cut it at the first dot and kept its case (`Web1` for
    /// Web1.example.com, where the pod's own hostname says the whole name: config review of
    /// 2026-12-06, finding 6).</summary>
    internal static string NodeName(string hostname) => hostname.Trim().ToLowerInvariant();

    private static string ReadHostname()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/hostname");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Environment.MachineName;
        }
    }

    /// <summary>The host's online CPUs, as the kubelet's node capacity counts them: not
    /// Environment.ProcessorCount, which follows the calling process's CPU affinity and cgroup
    /// quota, so a `podunits reload` run from a `taskset` shell would change a container's
    /// limits.cpu file with nothing changed in the pod.</summary>
    private static int OnlineCpus()
    {
        try
        {
            return CpuListCount(File.ReadAllText("/sys/devices/system/cpu/online")) is int n and > 0 ? n : Environment.ProcessorCount;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Environment.ProcessorCount;
        }
    }

    /// <summary>How many CPUs a kernel CPU list names ("0-3,8,10-11": 7); null when it is not one.</summary>
    internal static int? CpuListCount(string list)
    {
        int count = 0;
        foreach (string part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = part.Split('-');
            if (ends.Length is < 1 or > 2
                || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
                || last < first)
            {
                return null;
            }
            count += last - first + 1;
        }
        return count;
    }

    /// <summary>The pod's machine ID as a UUID (metadata.uid is a UUID in Kubernetes).</summary>
    public static string PodUid(string machineId) =>
        machineId.Length == 32
            ? $"{machineId[..8]}-{machineId[8..12]}-{machineId[12..16]}-{machineId[16..20]}-{machineId[20..]}"
            : machineId;

    private static (string HostIP, string HostIPs) HostIPs()
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return (NoAddress, NoAddress);
        }
        return ChooseHostIPs([.. interfaces
            .Where(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback && i.OperationalStatus != OperationalStatus.Down)
            .Select(i => (i.Name, i.GetIPProperties().UnicastAddresses.Select(a => a.Address).ToArray()))],
            DefaultRouteInterface(), DefaultIPv6RouteInterface());
    }

    /// <summary>What a host without any address gives (in a pod of its own network, its own
    /// loopback: said in docs/configuration.md).</summary>
    private const string NoAddress = "127.0.0.1";

    /// <summary>status.hostIP and status.hostIPs from the interfaces that are up (name and
    /// addresses): per family, the first address of the interface holding that family's
    /// default route (else of any, on a host without any default route); IPv4 first. On a host without IPv4 it was 127.0.0.1, in a
    /// pod with a network of its own the pod's own loopback (config review of 2026-12-07,
    /// finding 4). Link-local and multicast IPv6 addresses are no node address.</summary>
    internal static (string HostIP, string HostIPs) ChooseHostIPs(IReadOnlyList<(string Name, IPAddress[] Addresses)> up,
        string? ipv4RouteInterface, string? ipv6RouteInterface)
    {
        ArgumentNullException.ThrowIfNull(up);
        // Any interface stands in only on a host without any default route, as the kubelet's
        // choice of a node IP: on an IPv6-only host an IPv4 address of the pods' own bridge (or
        // docker0, a VPN) became hostIP once a pod ran (review of the merged change, 2026-12-07).
        bool anyRoute = ipv4RouteInterface is not null || ipv6RouteInterface is not null;
        IPAddress? First(string? routeInterface, Func<IPAddress, bool> usable) => routeInterface is null && anyRoute ? null : up
            // Only the route's interface when there is one: a bridge's or a VPN's address is
            // no node address, also when the route's interface has none of that family.
            .Where(i => routeInterface is null || i.Name == routeInterface)
            .SelectMany(i => i.Addresses)
            .FirstOrDefault(usable);
        IPAddress? v4 = First(ipv4RouteInterface, a => a.AddressFamily == AddressFamily.InterNetwork);
        IPAddress? v6 = First(ipv6RouteInterface, a => a.AddressFamily == AddressFamily.InterNetworkV6
            && !a.IsIPv6LinkLocal && !a.IsIPv6Multicast && !IPAddress.IsLoopback(a));
        string[] all = [.. new[] { v4, v6 }.OfType<IPAddress>().Select(a => a.ToString())];
        return all.Length == 0 ? (NoAddress, NoAddress) : (all[0], string.Join(',', all));
    }

    /// <summary>/proc/net/ipv6_route's interface for ::/0, or null (not `lo`, which holds the
    /// kernel's unreachable default).</summary>
    private static string? DefaultIPv6RouteInterface()
    {
        try
        {
            return File.ReadLines("/proc/net/ipv6_route")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(f => f.Length >= 10 && f[0] == "00000000000000000000000000000000" && f[1] == "00" && f[9] != "lo")?[9];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>/proc/net/route's interface for destination 0.0.0.0/0, or null.</summary>
    private static string? DefaultRouteInterface()
    {
        try
        {
            return File.ReadLines("/proc/net/route").Skip(1)
                .Select(l => l.Split('\t', StringSplitOptions.TrimEntries))
                .FirstOrDefault(f => f.Length > 7 && f[1] == "00000000" && f[7] == "00000000")?[0];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long MemTotal()
    {
        try
        {
            string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return 0;
        }
    }

    private static long StorageBytes()
    {
        try
        {
            return new DriveInfo(Directory.Exists(PodPaths.StateRoot) ? PodPaths.StateRoot : "/").TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }
}

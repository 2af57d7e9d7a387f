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
/// node's InternalIP on a one-host setup), else of any interface that is up and not loopback;
/// node allocatable as the online CPUs, MemTotal and the size of the file system holding
/// /var/lib/podunits.
/// </summary>
public static class HostFacts
{
    public static NodeFacts Gather(string podMachineId) => new(
        NodeName(ReadHostname()), HostIP(), PodUid(podMachineId), OnlineCpus() * 1000L, MemTotal(), StorageBytes());

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

    private static string HostIP()
    {
        string? routeInterface = DefaultRouteInterface();
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return "127.0.0.1";
        }
        IEnumerable<NetworkInterface> ordered = interfaces
            .Where(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback && i.OperationalStatus != OperationalStatus.Down)
            .OrderBy(i => i.Name == routeInterface ? 0 : 1);
        foreach (NetworkInterface i in ordered)
        {
            IPAddress? v4 = i.GetIPProperties().UnicastAddresses.Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
            if (v4 is not null)
            {
                return v4.ToString();
            }
        }
        return "127.0.0.1";
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

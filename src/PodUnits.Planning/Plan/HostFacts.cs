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
        Environment.MachineName, HostIP(), PodUid(podMachineId), Environment.ProcessorCount * 1000L, MemTotal(), StorageBytes());

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

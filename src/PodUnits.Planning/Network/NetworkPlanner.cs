using System.Net;
using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Core.Text;
using PodUnits.Definitions;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Network;

/// <summary>
/// Stage 0's part of networking: which network a pod joins and which ports it publishes,
/// checked before anything starts (the network exists and every plugin it names is
/// installed), so that a bad choice is an error at the definition's line, exit status 2.
/// </summary>
public static class NetworkPlanner
{
    /// <summary>
    /// CNI_CONTAINERID of one run of the pod: its machine ID (so a rule or lease shows whose it
    /// is) and a part new in every run, as containerd, CRI-O and podman give every sandbox an ID
    /// of its own. With one ID for every run, an attachment a crashed run left and whose DEL
    /// cannot succeed (a macvlan whose master was renamed at reboot, a plugin removed since)
    /// blocked each later start: the new ADD would have reused its cache entry, lease and chains.
    /// </summary>
    public static string ContainerIdOf(string machineId) =>
        $"{machineId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    public static NetworkPlan? Plan(PodDefinition pod, string machineId, IReadOnlyList<string> configDirs, CniRuntime cni)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(cni);
        if (pod.HostNetwork)
        {
            return null;
        }
        string name = pod.Network?.Name ?? NetworkConfigs.DefaultNetwork;
        // Line 0: named on the command line (run --interactive --net), not in a file.
        string where = pod.Network switch
        {
            { Line: 0 } named => $"--net {named.Name}",
            { } at => $"{pod.SourcePath}:{at.Line}:{at.Column}",
            null => $"pod {pod.Name}",
        };
        // At the annotation, the field's path comes first, as validate gives it.
        string field = pod.Network is { Line: > 0 } ? "metadata.annotations.podunits.io/network: " : "";
        CniConfigList list;
        try
        {
            list = NetworkConfigs.Find(name, configDirs);
        }
        catch (BadInputException e)
        {
            string hint = pod.Network is null ? " (the default network; is the podunits package's /usr/lib/podunits/net.d there?)" : "";
            // Not found: say so at the definition, naming the network when the annotation
            // did; a broken file: its own position first.
            bool notFound = e.What == $"network {name}";
            throw new BadInputException(where, field + (notFound && field.Length == 0 ? $"{e.Why}{hint}" : e.Message));
        }
        if (cni.MissingPlugins(list).ToList() is { Count: > 0 } missing)
        {
            throw new BadInputException(where, $"{field}network {name} ({list.Path}) needs the CNI {Counted.Noun(missing.Count, "plugin")} {string.Join(", ", missing)}, " +
                $"not found in {string.Join(", ", cni.PluginDirs)} (Debian: apt-get install containernetworking-plugins)");
        }
        var hostPorts = pod.AllContainers.SelectMany(c => c.Ports).Where(p => p.HostPort is not null).ToList();
        if (hostPorts.Count > 0 && !list.Declares("portMappings"))
        {
            // No plugin would get the ports: they would be shown as published and never be.
            throw new BadInputException(where, $"{field}network {name} ({list.Path}) has no plugin with the portMappings capability, " +
                $"so hostPort {hostPorts[0].HostPort} cannot be published on it; add " +
                "{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}} to its plugins, or use hostNetwork");
        }
        if (CniIpam.AddressFamilies(list) is { } families
            && hostPorts.FirstOrDefault(p => p.HostIP is { } ip && !families.Contains(IPAddress.Parse(ip).AddressFamily)) is { HostIP: { } foreign })
        {
            // Published with no address of that family behind it, a connection would be held
            // by the port's reservation and never answered.
            string family = IPAddress.Parse(foreign).AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
            throw new BadInputException(where, $"{field}hostIP {foreign} is an {family} address, but network {name} ({list.Path}) gives the pod no {family} address " +
                $"(its ipam ranges); publish the port on an address of the pod's family, or add an {family} range to the network");
        }
        return new NetworkPlan
        {
            Name = list.Name,
            ConfigPath = list.Path,
            ConfigText = list.Text,
            ContainerId = ContainerIdOf(machineId),
            PortMappings = [.. hostPorts.Select(p => new PortMappingPlan
            {
                HostPort = p.HostPort!.Value,
                ContainerPort = p.Number,
                Protocol = p.Protocol.ToString().ToLowerInvariant(),
                HostIP = p.HostIP ?? "",
            })],
        };
    }
}

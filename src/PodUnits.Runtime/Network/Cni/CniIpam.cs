using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// What a network configuration list's IPAM sections say before any plugin runs: which
/// IPAM plugin each plugin execs (so a missing one is an error at the definition, not a
/// failed ADD retried forever), and which address families a pod gets (so a hostIP of a
/// family the pod has no address in is refused, not published into a void).
/// </summary>
public static class CniIpam
{
    /// <summary>Every executable the list runs, with how an error names it: each plugin's
    /// type, and the IPAM plugin it delegates addresses to (ipam.type), which the plugin
    /// execs from the same directories (CNI_PATH).</summary>
    public static IEnumerable<(string Executable, string Named)> Executables(CniConfigList network)
    {
        ArgumentNullException.ThrowIfNull(network);
        foreach (JsonObject plugin in network.Plugins)
        {
            string type = (string)plugin["type"]!;
            yield return (type, type);
            if (IpamType(plugin) is { } ipam)
            {
                yield return (ipam, $"{ipam} (the ipam of {type})");
            }
        }
    }

    /// <summary>The address families a pod on <paramref name="network"/> gets, read from
    /// host-local's ranges (or its older subnet) and static's addresses; null when the file
    /// cannot tell (another IPAM plugin such as dhcp, or no plugin with an ipam).</summary>
    public static IReadOnlySet<AddressFamily>? AddressFamilies(CniConfigList network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var families = new HashSet<AddressFamily>();
        bool any = false;
        foreach (JsonObject plugin in network.Plugins)
        {
            if (IpamType(plugin) is not { } type)
            {
                continue;
            }
            any = true;
            var ipam = (JsonObject)plugin["ipam"]!;
            IEnumerable<string?> prefixes = type switch
            {
                "host-local" => Subnets(ipam),
                // `as JsonObject`: the string indexer of a node that is no object throws, and a
                // range or address written as a bare string was an internal error at validate
                // and every start (network review of 2026-12-07, finding 4). The family is then
                // unknown, and the plugin's own error at ADD names the field.
                "static" => (ipam["addresses"] as JsonArray ?? []).Select(a => Text((a as JsonObject)?["address"])),
                _ => [null],
            };
            foreach (string? prefix in prefixes.DefaultIfEmpty(null))
            {
                if (Family(prefix) is not { } family)
                {
                    return null;
                }
                families.Add(family);
            }
        }
        return any ? families : null;
    }

    private static IEnumerable<string?> Subnets(JsonObject ipam) =>
        ipam["ranges"] is JsonArray ranges
            ? ranges.OfType<JsonArray>().SelectMany(set => set.Select(range => Text((range as JsonObject)?["subnet"])))
            : [Text(ipam["subnet"])];

    private static AddressFamily? Family(string? prefix)
    {
        string address = prefix is null ? "" : prefix.Split('/')[0];
        return IPAddress.TryParse(address, out IPAddress? ip) ? ip.AddressFamily : null;
    }

    private static string? IpamType(JsonObject plugin) =>
        plugin["ipam"] is JsonObject ipam ? Text(ipam["type"]) : null;

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}

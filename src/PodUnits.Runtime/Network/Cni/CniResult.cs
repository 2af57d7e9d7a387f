using System.Text.Json.Nodes;

namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// What a chain of plugins reported (specification "Success" result, 0.3.0 and later): the
/// interfaces it made, in the pod's network namespace ("sandbox" set) or the host's, and
/// the addresses it gave. The raw JSON is kept for prevResult and the cache.
/// </summary>
public sealed class CniResult
{
    public CniResult(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Json = json;
        if (json["interfaces"] is JsonArray interfaces)
        {
            foreach (JsonNode? i in interfaces)
            {
                if (i is JsonObject o && Str(o["name"]) is string name)
                {
                    Interfaces.Add(new CniInterface(name, Str(o["mac"]), Str(o["sandbox"])));
                }
            }
        }
        if (json["ips"] is JsonArray ips)
        {
            foreach (JsonNode? ip in ips)
            {
                if (ip is JsonObject o && Str(o["address"]) is string address)
                {
                    int? index = o["interface"] is JsonValue v && v.TryGetValue(out int n) ? n : null;
                    Addresses.Add(new CniAddress(address, Str(o["gateway"]), index));
                }
            }
        }
    }

    public JsonObject Json { get; }

    /// <summary>A string member, or null when absent or of another type (a plugin's result
    /// is read leniently: what PodUnits cannot use, it skips).</summary>
    internal static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
    public List<CniInterface> Interfaces { get; } = [];
    public List<CniAddress> Addresses { get; } = [];

    /// <summary>The pod's addresses without prefix length ("10.121.0.5"), IPv4 first.</summary>
    public IEnumerable<string> PodIPs => Addresses
        .Select(a => a.Address.Split('/')[0])
        .OrderBy(a => a.Contains(':', StringComparison.Ordinal) ? 1 : 0);

    /// <summary>Interfaces on the host's side (no sandbox): a veth's host end, a bridge.</summary>
    public IEnumerable<CniInterface> HostInterfaces => Interfaces.Where(i => string.IsNullOrEmpty(i.Sandbox));
}

public sealed record CniInterface(string Name, string? Mac, string? Sandbox);

/// <summary>An address in CIDR form with its gateway and the index of its interface in
/// <see cref="CniResult.Interfaces"/>.</summary>
public sealed record CniAddress(string Address, string? Gateway, int? Interface);

using System.Text;
using System.Text.Json.Nodes;
using PodUnits.Core.Files;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// The result cache (specification "Caching"): per attachment, the configuration ADD ran with,
/// its arguments and its result, in libcni's cniCacheV1 layout plus the pod's name. Written
/// before the first plugin runs, so that even an executor killed in the middle of ADD leaves
/// what `podunits gc` needs to run DEL; root's only (0600 under 0700).
/// </summary>
public sealed class CniCache(string dir)
{
    public const string DefaultDir = "/var/lib/podunits/cni/results";

    public string Dir { get; } = dir;

    public string PathOf(string network, CniAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return System.IO.Path.Join(Dir, $"{network}-{attachment.ContainerId}-{attachment.IfName}");
    }

    /// <param name="failedPlugin">The index of the plugin whose ADD failed, or of the first
    /// whose ADD has not finished yet (PodUnits' own key "failedPlugin"), so that a DEL retried
    /// later knows which errors to expect.</param>
    public void Write(string pod, CniConfigList network, CniAttachment attachment, IReadOnlyDictionary<string, JsonNode> capabilityArgs,
        CniResult? result, int? failedPlugin = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(attachment);
        ArgumentNullException.ThrowIfNull(capabilityArgs);
        var capabilities = new JsonObject();
        foreach ((string key, JsonNode value) in capabilityArgs)
        {
            capabilities[key] = value.DeepClone();
        }
        var entry = new JsonObject
        {
            ["kind"] = "cniCacheV1",
            ["containerId"] = attachment.ContainerId,
            ["config"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(network.Text)),
            ["configPath"] = network.Path,
            ["ifName"] = attachment.IfName,
            ["networkName"] = network.Name,
            ["cniArgs"] = new JsonArray([.. attachment.Args.Select(a => (JsonNode)new JsonArray(a.Key, a.Value))]),
            ["capabilityArgs"] = capabilities,
            ["pod"] = pod,
        };
        if (result is not null)
        {
            entry["result"] = result.Json.DeepClone();
        }
        if (failedPlugin is int failed)
        {
            entry["failedPlugin"] = failed;
        }
        PodPaths.CreatePrivateDirectory(Dir);
        string path = PathOf(network.Name, attachment);
        // On disk before the first plugin runs (and again with the result): after a crash or
        // a power loss, this entry is all gc has to release the lease, the veth and the rules.
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(entry.ToJsonString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Delete(string network, CniAttachment attachment) => File.Delete(PathOf(network, attachment));

    /// <summary>Every cached attachment (for gc and a restart after a crash); unreadable
    /// entries are skipped with their path in <paramref name="broken"/>.</summary>
    public IReadOnlyList<CniCacheEntry> ReadAll(List<string>? broken = null)
    {
        var entries = new List<CniCacheEntry>();
        if (!Directory.Exists(Dir))
        {
            return entries;
        }
        foreach (string path in Directory.EnumerateFiles(Dir).Where(p => !Path.GetFileName(p).StartsWith('.') && !p.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (CniCacheEntry.TryRead(path) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                broken?.Add(path);
            }
        }
        return entries;
    }
}

/// <summary>One cached attachment, enough to run DEL (and CHECK) as ADD ran.</summary>
public sealed record CniCacheEntry(string Path, string Pod, CniConfigList Network, CniAttachment Attachment,
    IReadOnlyDictionary<string, JsonNode> CapabilityArgs, CniResult? Result)
{
    /// <summary>The plugin whose ADD failed, when the entry is that of a failed ADD whose
    /// undoing did not complete.</summary>
    public int? FailedPlugin { get; init; }

    public static CniCacheEntry? TryRead(string path)
    {
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject o || o["kind"]?.GetValue<string>() != "cniCacheV1")
            {
                return null;
            }
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(o["config"]!.GetValue<string>()));
            CniConfigList network = CniConfigList.Parse(o["configPath"]?.GetValue<string>() ?? path, text);
            var args = new List<KeyValuePair<string, string>>();
            foreach (JsonNode? pair in o["cniArgs"] as JsonArray ?? [])
            {
                if (pair is JsonArray { Count: 2 } kv)
                {
                    args.Add(new(kv[0]!.GetValue<string>(), kv[1]!.GetValue<string>()));
                }
            }
            var capabilities = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach ((string key, JsonNode? value) in o["capabilityArgs"] as JsonObject ?? [])
            {
                if (value is not null)
                {
                    capabilities[key] = value.DeepClone();
                }
            }
            var attachment = new CniAttachment(o["containerId"]!.GetValue<string>(), "", o["ifName"]!.GetValue<string>(), args);
            CniResult? result = o["result"] is JsonObject r ? new CniResult((JsonObject)r.DeepClone()) : null;
            return new CniCacheEntry(path, o["pod"]?.GetValue<string>() ?? "", network, attachment, capabilities, result)
            {
                FailedPlugin = o["failedPlugin"] is JsonValue failed && failed.TryGetValue(out int index) ? index : null,
            };
        }
#pragma warning disable CA1031 // a damaged entry is reported by the caller, not fatal
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}

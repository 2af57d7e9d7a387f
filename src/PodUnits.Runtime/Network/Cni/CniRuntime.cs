using System.Text.Json.Nodes;

namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// The runtime's half of CNI (specification "Execution of Network Configurations"): ADD runs
/// a list's plugins in order, each with the previous one's result; DEL runs them in reverse
/// with the cached result; CHECK in order with it. Every ADD is cached before its first
/// plugin runs and a failed ADD is undone at once, so nothing is left half-configured.
/// </summary>
public sealed class CniRuntime(IReadOnlyList<string> pluginDirs, CniCache cache)
{
    public static CniRuntime Default { get; } = new(CniPlugin.DefaultDirs, new CniCache(CniCache.DefaultDir));

    public IReadOnlyList<string> PluginDirs { get; } = pluginDirs;
    public CniCache Cache { get; } = cache;

    /// <summary>Plugins of <paramref name="network"/>, and IPAM plugins they exec, that no
    /// plugin directory has.</summary>
    public IEnumerable<string> MissingPlugins(CniConfigList network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return CniIpam.Executables(network).Where(e => CniPlugin.Find(e.Executable, PluginDirs) is null)
            .Select(e => e.Named).Distinct(StringComparer.Ordinal);
    }

    /// <summary>ADD of every plugin in order; a failure, or a cancellation (the plugin then
    /// killed), is undone at once by a DEL of the whole list and rethrown.</summary>
    /// <param name="running">Told each plugin's type as it starts (what a start waits for).</param>
    public async Task<CniResult> AddAsync(string pod, CniConfigList network, CniAttachment attachment,
        IReadOnlyDictionary<string, JsonNode> capabilityArgs, CancellationToken cancellationToken, Action<string>? running = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        // From the first plugin on, none may have finished: a DEL after a crash during its ADD
        // counts no plugin's failure, as after a failed ADD. Counted, a DEL that cannot succeed
        // without its ADD's state (a macvlan whose master is gone) kept the entry for good, and
        // a pod whose hostPorts it maps could never start again (recovery review of
        // 2026-12-07, finding 5).
        Cache.Write(pod, network, attachment, capabilityArgs, result: null, failedPlugin: 0);
        JsonObject? previous = null;
        int plugin = 0;
        try
        {
            for (; plugin < network.Plugins.Count; plugin++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                running?.Invoke((string)network.Plugins[plugin]["type"]!);
                JsonObject config = network.PluginConfig(plugin, capabilityArgs, previous);
                previous = await CniPlugin.RunAsync("ADD", network, plugin, config, attachment, PluginDirs, cancellationToken).ConfigureAwait(false)
                    ?? previous;
                if (previous is not null && plugin < network.Plugins.Count - 1)
                {
                    // Cached as it grows: a DEL after a crash in the middle of the ADD needs
                    // the result so far as its prevResult (the firewall plugin finds the
                    // pod's addresses, and so its rules, nowhere else). The plugins after this
                    // one may not have run: their DEL may fail, as after a failed ADD.
                    Cache.Write(pod, network, attachment, capabilityArgs, new CniResult(previous), failedPlugin: plugin + 1);
                }
            }
        }
        catch
        {
            // Undo what the plugins before the failing one did; the ADD's error is the one to report.
            try
            {
                Cache.Write(pod, network, attachment, capabilityArgs, previous is null ? null : new CniResult(previous), failedPlugin: plugin);
                await RunDeleteAsync(network, attachment, capabilityArgs, previous, plugin, CancellationToken.None).ConfigureAwait(false);
                Cache.Delete(network.Name, attachment);
            }
#pragma warning disable CA1031 // the cache entry stays for gc to retry
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            throw;
        }
        var result = new CniResult(previous ?? new JsonObject { ["cniVersion"] = network.CniVersion });
        Cache.Write(pod, network, attachment, capabilityArgs, result);
        return result;
    }

    /// <summary>CHECK (CNI 0.4.0 and later, unless the list disables it): every plugin
    /// confirms the attachment is as ADD left it; throws naming the first that does not.</summary>
    public async Task CheckAsync(CniCacheEntry entry, string netnsPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        CniConfigList network = entry.Network;
        if (network.DisableCheck || network.CniVersion.StartsWith("0.3.", StringComparison.Ordinal))
        {
            return;
        }
        CniAttachment attachment = entry.Attachment with { NetnsPath = netnsPath };
        for (int i = 0; i < network.Plugins.Count; i++)
        {
            JsonObject config = network.PluginConfig(i, entry.CapabilityArgs, entry.Result?.Json);
            await CniPlugin.RunAsync("CHECK", network, i, config, attachment, PluginDirs, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>DEL of a cached attachment, then its cache entry; the entry stays when a
    /// plugin fails, so a later gc tries again.</summary>
    public async Task DeleteAsync(CniCacheEntry entry, string netnsPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await RunDeleteAsync(entry.Network, entry.Attachment with { NetnsPath = netnsPath }, entry.CapabilityArgs,
            entry.Result?.Json, entry.FailedPlugin ?? int.MaxValue, cancellationToken).ConfigureAwait(false);
        File.Delete(entry.Path);
    }

    /// <summary>Every plugin in reverse order, stopping at the first that fails (CNI spec,
    /// "Network Configuration List Error Handling": the runtime MUST stop executing the list;
    /// libcni's DelNetworkList does): the plugins before it keep what they hold, the bridge
    /// its veth and host-local the lease, so no other pod gets the address while the failed
    /// plugin's rules (portmap's DNAT) still point at it. Going on gave the address back under
    /// those rules (network review of 2026-12-07, finding 3). The cache entry stays, and the
    /// next release runs the whole list again.</summary>
    /// <param name="failedPlugin">The plugin whose ADD failed, when DEL undoes a failed ADD: its
    /// DEL and those of the plugins after it, which never ran, may fail without consequence
    /// and do not stop the list, so every plugin that did run still gets its DEL.
    /// Some plugins' DEL fails for the very reason their ADD did (Debian's macvlan cannot find
    /// its master for either), and counting that would keep the attachment in the cache for
    /// good: every later start and gc would fail on it, with nothing of it left to release.
    /// A cancellation is no such failure: a DEL that never ran released nothing, and the cache
    /// entry, the only record of host-local's lease, went with it (merged network review of
    /// 2026-12-07, finding 2), so it always propagates.</param>
    private async Task RunDeleteAsync(CniConfigList network, CniAttachment attachment, IReadOnlyDictionary<string, JsonNode> capabilityArgs,
        JsonObject? result, int failedPlugin, CancellationToken cancellationToken)
    {
        for (int i = network.Plugins.Count - 1; i >= 0; i--)
        {
            try
            {
                JsonObject config = network.PluginConfig(i, capabilityArgs, result);
                await CniPlugin.RunAsync("DEL", network, i, config, attachment, PluginDirs, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // what its failed ADD made, if anything, it undid itself
            catch (Exception e) when (i >= failedPlugin && e is not OperationCanceledException)
#pragma warning restore CA1031
            {
            }
        }
    }
}

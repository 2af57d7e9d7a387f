using System.Text.Json.Nodes;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Network;

/// <summary>
/// Stage 1's part of networking, in the executor: attaches the pod's network namespace to its
/// CNI network before any container may run, and detaches it on every way out. Order on the
/// way in: hold the host ports (a conflict fails before any rule changes), undo what a
/// crashed run of this pod left, make and pin the namespace (<see cref="PrepareAsync"/>,
/// before the pod init, which joins it), then CNI ADD (<see cref="AttachAsync"/>, while the
/// pod init sets the pod up). On the way out, the reverse.
/// </summary>
public sealed class PodNetwork : IDisposable
{
    /// <summary>The interface name inside the pod, as every Kubernetes runtime names it.</summary>
    public const string InterfaceName = "eth0";
    private const string StateFile = "network.json";

    private readonly PodPlan _plan;
    private readonly NetworkPlan _network;
    private readonly CniRuntime _cni;
    private HostPortReservations? _ports;

    private PodNetwork(PodPlan plan, NetworkPlan network, CniRuntime cni)
    {
        _plan = plan;
        _network = network;
        _cni = cni;
    }

    /// <summary>The pod's network, or null when it uses the host's.</summary>
    public static PodNetwork? For(PodPlan plan, CniRuntime? cni = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Network is { } network ? new PodNetwork(plan, network, cni ?? CniRuntime.Default) : null;
    }

    /// <summary>Holds the host ports, releases a crashed run's attachment, makes and pins the
    /// pod's network namespace; returns the pin, for the pod init to join. <paramref name="waiting"/>
    /// is told what the start waits for while it waits for another release of a dead pod's
    /// network (up to a minute), for the unit's status line.</summary>
    public async Task<string> PrepareAsync(Action<string>? waiting = null, CancellationToken cancellationToken = default)
    {
        _ports = HostPortReservations.Reserve(_plan.Name, _network.PortMappings, _network.PortMappings.Count == 0 ? null
            : Cni.CniIpam.AddressFamilies(Cni.CniConfigList.Parse(_network.ConfigPath, _network.ConfigText)));
        // Before portmap turns on route_localnet (LocalnetGuard says why), meanwhile the rest.
        Task guarding = _network.PortMappings.Count > 0 ? LocalnetGuard.EnsureAsync(cancellationToken) : Task.CompletedTask;
        // One read of the cache (a file per attachment on the host) for both.
        List<CniCacheEntry> cached = [.. _cni.Cache.ReadAll()];
        await ReleaseOwnAsync(_cni, _plan.Name, _network.PortMappings, cached, pinReused: true, cancellationToken).ConfigureAwait(false);
        await ReleaseCrashedHoldersAsync(_cni, _plan.Name, _network.PortMappings, cached, OtherReleasePatience, waiting, cancellationToken).ConfigureAwait(false);
        string pin = NetnsPins.Create(_plan.Name, _network.ContainerId);
        await guarding.ConfigureAwait(false);
        return pin;
    }

    /// <summary>
    /// Releases what an earlier run of <paramref name="pod"/>, whose executor was killed, left
    /// (cache entries and pin), for a start of the pod on the host's network: it has no
    /// PodNetwork, whose PrepareAsync does this for a CNI start, and while it runs it holds the
    /// name, so neither gc nor stop would release them. The killed run's DNAT rules for its
    /// hostPorts come before this run's sockets and would send their traffic to an address
    /// where nothing listens, for as long as this run lasts (network review of 2026-12-07,
    /// finding 1). Stage 0 calls it with the name claimed and the earlier run's processes gone,
    /// and with <paramref name="cached"/> the cache it then gives ReleaseCrashedHoldersAsync:
    /// each read parses every attachment's entry on the host (merged network review of
    /// 2026-12-07, finding 8); null reads it.
    /// </summary>
    public static Task ReleaseOwnAsync(CniRuntime cni, string pod, IReadOnlyList<PortMappingPlan> ports, List<CniCacheEntry>? cached = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cni);
        ArgumentNullException.ThrowIfNull(ports);
        return ReleaseOwnAsync(cni, pod, ports, cached ?? [.. cni.Cache.ReadAll()], pinReused: false, cancellationToken);
    }

    /// <summary>DEL of the earlier runs' attachments of <paramref name="pod"/> among
    /// <paramref name="cached"/>, then the pin; one whose DEL fails may stay (logged) unless it
    /// maps one of <paramref name="ports"/>, when the start fails. It keeps its namespace for
    /// the retry (ReleaseAsync).</summary>
    /// <param name="pinReused">Whether the start pins a namespace of its own under the pod's
    /// name (a CNI network), or runs on the host's and tries again only at gc.</param>
    internal static async Task ReleaseOwnAsync(CniRuntime cni, string pod, IReadOnlyList<PortMappingPlan> ports, List<CniCacheEntry> cached,
        bool pinReused, CancellationToken cancellationToken)
    {
        string retried = pinReused ? "starting with an attachment of its own, and trying again at the pod's stop and at gc"
            : "starting on the host's network, and trying again at gc once this run has ended";
        try
        {
            await ReleaseAsync(cni, pod, cached.FindAll(e => e.Pod == pod), cancellationToken,
                (entry, error) => KeepForLater(entry, error, ports, retried), pinReused).ConfigureAwait(false);
        }
        catch (Core.Errors.PodUnitsException e)
        {
            // A plugin's own message names the network and plugin, not whose attachment it was.
            throw new Core.Errors.PodUnitsException($"pod {pod}", $"cannot release the network attachment an earlier run of this pod left, " +
                $"which maps a hostPort this run publishes ({e.Message}); 'podunits gc' tries it again");
        }
    }

    /// <summary>
    /// Whether a crashed run's attachment whose DEL failed may stay in the cache while this
    /// run starts, for a later release to try again (<paramref name="retried"/>); logged. Each run has a CNI
    /// container ID of its own, so the two attachments share no cache entry, lease or chain.
    /// Not when it maps one of this run's host ports: its DNAT rules come first and would take
    /// the traffic.
    /// </summary>
    private static bool KeepForLater(CniCacheEntry entry, Exception error, IReadOnlyList<PortMappingPlan> ports, string retried)
    {
        if (error is not Core.Errors.PodUnitsException || MapsAnyOf(entry, ports))
        {
            return false;
        }
        Logging.StageLog.Warning($"could not release network {entry.Network.Name} of an earlier run of this pod ({error.Message}); {retried}");
        return true;
    }

    /// <summary>
    /// A pod whose executor was killed keeps its portmap rules until its next start or gc,
    /// while the socket that held its ports closed with it: this pod could take the same
    /// port and start, but the dead pod's DNAT rules come first and would take its traffic.
    /// So the attachments of such pods are released here (DEL from the cache), holding the
    /// dead pod's name meanwhile, as gc does; a pod that runs again holds its name and is
    /// left alone (its own start refused the port already); while another release holds it
    /// (gc, `podunits stop`, another start), this one waits and tries again. A pod on the host's network
    /// needs it as much: the DNAT rules come before its socket too (network review of
    /// 2026-12-06, finding 1), so stage 0 calls this for it. <paramref name="cached"/>: the
    /// cache as read for ReleaseOwnAsync (this pod's own entries, released since, are skipped
    /// here), or null to read it.
    /// </summary>
    public static Task ReleaseCrashedHoldersAsync(CniRuntime cni, string pod, IReadOnlyList<PortMappingPlan> ports,
        List<CniCacheEntry>? cached = null, CancellationToken cancellationToken = default) =>
        ReleaseCrashedHoldersAsync(cni, pod, ports, cached, OtherReleasePatience, null, cancellationToken);

    /// <summary>How long a start waits for another release of a dead pod's network (gc's,
    /// `podunits stop`'s, another start's), which holds the dead pod's name for a whole DEL: a
    /// plugin's timeout, and a little.</summary>
    private static readonly TimeSpan OtherReleasePatience = CniPlugin.Timeout + TimeSpan.FromSeconds(5);

    /// <summary><see cref="ReleaseCrashedHoldersAsync(CniRuntime, string, IReadOnlyList{PortMappingPlan}, List{CniCacheEntry}?, CancellationToken)"/>,
    /// waiting up to <paramref name="patience"/> for another release (said to <paramref name="waiting"/>).</summary>
    internal static async Task ReleaseCrashedHoldersAsync(CniRuntime cni, string pod, IReadOnlyList<PortMappingPlan> ports,
        List<CniCacheEntry>? cached, TimeSpan patience, Action<string>? waiting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cni);
        ArgumentNullException.ThrowIfNull(ports);
        if (ports.Count == 0)
        {
            return;
        }
        cached ??= [.. cni.Cache.ReadAll()];
        List<string> holders = [.. cached.Where(e => e.Pod != pod && MapsAnyOf(e, ports))
            .Select(e => e.Pod).Distinct(StringComparer.Ordinal)];
        foreach (string dead in holders)
        {
            bool released;
            try
            {
                // Not released and not held either: the lock was only being looked at (IsHeld)
                // for longer than WhileUnclaimedAsync waits. Once more, then a failure naming the
                // pod: going on silently left its DNAT rules in front of this pod's (network
                // review of 2026-12-07, finding 2).
                released = await ReleaseIfUnclaimedAsync(cni, dead, cancellationToken).ConfigureAwait(false)
                    || (!PodClaim.IsHeld(dead) && await ReleaseIfUnclaimedAsync(cni, dead, cancellationToken).ConfigureAwait(false));
                if (!released && !PodClaim.IsHeld(dead))
                {
                    throw new Core.Errors.PodUnitsException($"pod {dead}", "its name stayed locked, though no run of it holds it");
                }
                if (!released && !RunHolds(dead))
                {
                    // Held by another release of its network, not by a run: going on left its
                    // DNAT rules in front of this pod's whenever that release failed (merged
                    // network review of 2026-12-07, finding 6).
                    // Said in the unit's status too: "preparing" for up to a minute told nothing
                    // (review of the merged network change, 2026-12-07, left open then).
                    waiting?.Invoke($"waiting for another release of pod {dead}'s network (it maps a hostPort of this pod's)");
                    released = await AfterOtherReleaseAsync(cni, dead, patience, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Core.Errors.PodUnitsException e)
            {
                // Review of 2026-12-05 (network, 7): the start failed with the plugin's message
                // alone, naming neither the other pod nor why its attachment mattered.
                throw new Core.Errors.PodUnitsException($"pod {pod}", $"cannot release the network of pod {dead}, which ended without releasing it " +
                    $"and still maps a hostPort this pod publishes ({e.Message}); 'podunits stop {dead}' or 'podunits gc' tries it again");
            }
            if (released)
            {
                Logging.StageLog.Information($"released the network of pod {dead}, which ended without releasing it and still mapped a hostPort of this pod's");
            }
        }
    }

    /// <summary>Whether a run of <paramref name="pod"/> holds its name: its executor lives, or
    /// its processes do; not so for gc, `podunits stop` or a start releasing its network.</summary>
    internal static bool RunHolds(string pod) =>
        (PodState.Pids(pod) is (int executor, _) && Directory.Exists($"/proc/{executor}")) || PodProcesses.AnyLeft(pod);

    /// <summary>The release of <paramref name="dead"/>'s attachments once another release
    /// has let go of its name: what that one left, if it failed, or nothing. False when a run
    /// of it turns out to hold the name; fails after <paramref name="patience"/>.</summary>
    private static async Task<bool> AfterOtherReleaseAsync(CniRuntime cni, string dead, TimeSpan patience, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
        Logging.StageLog.Information($"waiting for another release of pod {dead}'s network (podunits gc, podunits stop or a start) to end, " +
            $"up to {patience.TotalSeconds:0} s: it maps a hostPort of this pod's");
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            if (await ReleaseIfUnclaimedAsync(cni, dead, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
            if (RunHolds(dead))
            {
                return false;
            }
            if (Environment.TickCount64 >= deadline)
            {
                throw new Core.Errors.PodUnitsException($"pod {dead}",
                    $"another release of its network (podunits gc, podunits stop or a start) held its name for more than {patience.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>The release of a dead pod's attachments, holding its name; false when a run
    /// of it holds the name (or, for an instant, something looks at the lock).</summary>
    private static Task<bool> ReleaseIfUnclaimedAsync(CniRuntime cni, string dead, CancellationToken cancellationToken) =>
        PodClaim.WhileUnclaimedAsync(dead, () => PodProcesses.AnyLeft(dead)
            // Its executor killed, its containers still stopping: the rules are still
            // theirs (recovery review of 2026-12-07, finding 1).
            ? throw new Core.Errors.PodUnitsException($"pod {dead}", "its executor was killed and its processes are still stopping")
            : ReleaseLeftoversAsync(cni, dead, cancellationToken));

    /// <summary>Whether a cached attachment's portMappings take one of <paramref name="ports"/>.</summary>
    internal static bool MapsAnyOf(CniCacheEntry entry, IReadOnlyList<PortMappingPlan> ports)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!entry.CapabilityArgs.TryGetValue("portMappings", out JsonNode? mappings) || mappings is not JsonArray list)
        {
            return false;
        }
        foreach (JsonNode? m in list)
        {
            if (m is JsonObject o && o["hostPort"] is JsonValue port && port.TryGetValue(out int hostPort))
            {
                string ip = o["hostIP"] is JsonValue v && v.TryGetValue(out string? address) ? address : "";
                if (ports.Any(p => HostPortReservations.Overlaps(ip, hostPort, (string?)o["protocol"], p)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>The network's name, as its conflist gives it.</summary>
    public string Name => _network.Name;

    /// <summary>While <see cref="AttachAsync"/> runs, the plugin it waits for; else null.</summary>
    public string? AddingPlugin => Volatile.Read(ref _adding);
    private string? _adding;

    /// <summary>CNI ADD of the namespace <see cref="PrepareAsync"/> pinned. A cancellation
    /// (the pod stops while a plugin hangs) kills the running plugin, and the ADD undoes
    /// itself before the OperationCanceledException.</summary>
    /// <param name="running">Told each plugin's type as it starts.</param>
    public async Task<CniResult> AttachAsync(Action<string>? running = null, CancellationToken cancellationToken = default)
    {
        string netns = NetnsPins.PathOf(_plan.Name);
        CniConfigList list = CniConfigList.Parse(_network.ConfigPath, _network.ConfigText);
        CniResult result;
        try
        {
            result = await _cni.AddAsync(_plan.Name, list, Attachment(netns), CapabilityArgs(), cancellationToken,
                plugin =>
                {
                    Volatile.Write(ref _adding, plugin);
                    running?.Invoke(plugin);
                }).ConfigureAwait(false);
        }
        finally
        {
            // The pin stays when the ADD fails: DetachAsync, which always follows, removes it
            // once no cached entry needs it. Removed here, an undo DEL that had failed (its
            // entry kept) was retried without the namespace, and the bridge's masquerade rule
            // stayed for good (network review of 2026-12-06, finding 4).
            Volatile.Write(ref _adding, null);
        }
        PodPaths.WritePrivateFile($"{PodPaths.RuntimeDir(_plan.Name)}/{StateFile}", StateJson(_network.Name, _network.ContainerId, result, _network.PortMappings));
        return result;
    }

    /// <summary>CNI DEL, then the pin and the ports; safe to call when never attached.</summary>
    public async Task DetachAsync()
    {
        try
        {
            await ReleaseLeftoversAsync(_cni, _plan.Name, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        _ports?.Dispose();
        _ports = null;
    }

    /// <summary>
    /// DEL for every cached attachment of <paramref name="pod"/> (its network namespace still
    /// pinned, or gone after a reboot: the plugins then release what they can without it),
    /// then the pin. For the executor's way out, the next start after a crash, and gc.
    /// </summary>
    public static Task ReleaseLeftoversAsync(CniRuntime cni, string pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cni);
        return ReleaseAsync(cni, pod, cni.Cache.ReadAll().Where(e => e.Pod == pod), cancellationToken);
    }

    /// <summary>
    /// DEL for <paramref name="entries"/>, the cached attachments of <paramref name="pod"/>,
    /// then the pin. The pin is the namespace of the run that made it, recorded beside it
    /// (NetnsPins.OwnerOf); an earlier run's attachment kept after a failed DEL at a start on
    /// a CNI network (KeepForLater) is DEL'd in the namespace kept aside for it
    /// (NetnsPins.KeepAside), or without one, as the CNI spec allows once it is gone: in this
    /// run's, the bridge plugin would delete this run's eth0 (it deletes by interface name),
    /// and this run's own DEL would then find no address to remove its masquerade rule by.
    /// Every entry is tried, a failing one does not keep the others (and their leases and
    /// rules) for good; the first failure is thrown after, and an entry's namespace stays
    /// while the entry does.
    /// </summary>
    /// <param name="keep">Given an attachment whose DEL failed: true when it may stay cached
    /// without failing the release, false to fail it.</param>
    /// <param name="pinReused">Whether the caller pins a new namespace under the pod's name
    /// next: a kept attachment's namespace is then kept aside, else the pin stays.</param>
    private static async Task ReleaseAsync(CniRuntime cni, string pod, IEnumerable<CniCacheEntry> entries, CancellationToken cancellationToken,
        Func<CniCacheEntry, Exception, bool>? keep = null, bool pinReused = false)
    {
        string pin = NetnsPins.Exists(pod) ? NetnsPins.PathOf(pod) : "";
        // Null for a pin of an older version: every entry then gets it, as before.
        string? owner = NetnsPins.OwnerOf(pod);
        Exception? failed = null;
        bool pinNeeded = false;
        foreach (CniCacheEntry entry in entries)
        {
            string id = entry.Attachment.ContainerId;
            bool inPin = pin.Length > 0 && (owner is null || id == owner);
            string netns = inPin ? pin : NetnsPins.KeptOf(id) ?? "";
            try
            {
                await cni.DeleteAsync(entry, netns, cancellationToken).ConfigureAwait(false);
                NetnsPins.UnpinKept(pod, id);
            }
            catch (Exception e) when (keep is not null && keep(entry, e))
            {
                // Its namespace stays for the retry, or the bridge's DEL, which the failed
                // plugin stopped, never gets it and leaves its masquerade rule for good
                // (merged network review of 2026-12-07, finding 1).
                if (inPin && pinReused)
                {
                    KeepAside(pod, id);
                }
                pinNeeded |= inPin && !pinReused;
            }
            catch (Core.Errors.PodUnitsException e)
            {
                failed ??= e;
                pinNeeded |= inPin;
            }
        }
        if (!pinNeeded)
        {
            NetnsPins.Unpin(pod);
        }
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
    }

    /// <summary><see cref="NetnsPins.KeepAside"/>, or a warning: without it the retry runs
    /// without the namespace, as it did before there was one.</summary>
    private static void KeepAside(string pod, string containerId)
    {
        try
        {
            NetnsPins.KeepAside(pod, containerId);
        }
        catch (Core.Errors.PodUnitsException e)
        {
            Logging.StageLog.Warning($"{e.Message}; its release is tried again without it, and the bridge's masquerading rule may stay");
        }
    }

    /// <summary>The pod's network as the executor recorded it: for status and list.</summary>
    public static JsonObject? ReadState(string pod)
    {
        string path = $"{PodPaths.RuntimeDir(pod)}/{StateFile}";
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Host-side interfaces for machined (RegisterMachineWithNetwork): the
    /// result's interfaces outside the pod that are not bridges (a bridge is every pod's),
    /// by index; none for macvlan and the like, which have no host side.</summary>
    public static IReadOnlyList<int> HostInterfaceIndexes(CniResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var indexes = new List<int>();
        foreach (CniInterface i in result.HostInterfaces)
        {
            string sys = $"/sys/class/net/{i.Name}";
            if (i.Name.Contains('/', StringComparison.Ordinal) || Directory.Exists($"{sys}/bridge") || !File.Exists($"{sys}/ifindex"))
            {
                continue;
            }
            if (int.TryParse(File.ReadAllText($"{sys}/ifindex").Trim(), out int index))
            {
                indexes.Add(index);
            }
        }
        return indexes;
    }

    private CniAttachment Attachment(string netns) => new(_network.ContainerId, netns, InterfaceName,
    [
        new("K8S_POD_NAMESPACE", "default"),
        new("K8S_POD_NAME", _plan.Name),
        new("K8S_POD_INFRA_CONTAINER_ID", _network.ContainerId),
    ]);

    /// <summary>portMappings, for plugins that declare the capability (portmap).</summary>
    private Dictionary<string, JsonNode> CapabilityArgs()
    {
        var mappings = new JsonArray();
        foreach (PortMappingPlan p in _network.PortMappings)
        {
            var mapping = new JsonObject { ["hostPort"] = p.HostPort, ["containerPort"] = p.ContainerPort, ["protocol"] = p.Protocol };
            if (p.HostIP.Length > 0)
            {
                mapping["hostIP"] = p.HostIP;
            }
            mappings.Add((JsonNode)mapping);
        }
        return new Dictionary<string, JsonNode>(StringComparer.Ordinal) { ["portMappings"] = mappings };
    }

    internal static string StateJson(string network, string containerId, CniResult result, IReadOnlyList<PortMappingPlan> ports) => new JsonObject
    {
        ["network"] = network,
        ["containerId"] = containerId,
        ["ips"] = new JsonArray([.. result.PodIPs.Select(ip => (JsonNode)ip)]),
        ["interfaces"] = new JsonArray([.. result.Interfaces.Select(i => (JsonNode)new JsonObject
        {
            ["name"] = i.Name, ["mac"] = i.Mac, ["inPod"] = !string.IsNullOrEmpty(i.Sandbox),
        })]),
        ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)p.ToString())]),
    }.ToJsonString();
}

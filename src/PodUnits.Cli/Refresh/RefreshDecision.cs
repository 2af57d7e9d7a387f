namespace PodUnits.Cli.Refresh;

/// <summary>A definition as it is on disk now: the file that wins for the pod's name and
/// the SHA-256 (hex) of its bytes.</summary>
internal readonly record struct DefinitionOnDisk(string File, string Sha256);

/// <summary>A pod whose pod@NAME.service is active, with the definition it started from (the
/// plan's record; null when it was started by a PodUnits that kept none) and when it started
/// (its plan was written, having read the ConfigMaps and Secrets). <paramref name="Starting"/>:
/// still on its way to READY (then StartedUtc is when its start began, while no plan exists
/// yet): a reload would merge into its start job and do nothing.</summary>
internal readonly record struct RunningPod(string? DefinitionFile, string? DefinitionSha256, DateTime? StartedUtc = null, bool Starting = false);

/// <summary>What refresh does to a pod. Relisten: stop the socket, stop the service, start
/// the socket again on its new addresses (unless the definition has none now) and the service
/// if it ran: a daemon-reload opens no new address for an active socket, a running pod keeps
/// the old ones, and systemd refuses to start a socket while its service runs.</summary>
internal enum RefreshActionKind { Start, Restart, Reload, Stop, Relisten }

/// <summary>One thing `podunits refresh` does to one pod's unit, and why.</summary>
internal sealed record RefreshAction(string Pod, RefreshActionKind Kind, string Unit, string Reason);

/// <summary>
/// What `podunits refresh` does, from what is on disk, what runs and what the last refresh
/// saw: the rules of docs/packaging.md, kept free of I/O so they are tested alone.
/// <list type="bullet">
/// <item>A running pod whose definition is gone stops (its package was removed).</item>
/// <item>A running pod whose definition differs from the one it started from restarts.</item>
/// <item>Otherwise, when ConfigMap or Secret files changed since the pod started, it reloads
/// (its volumes update as the kubelet updates them; environment variables wait for a
/// restart). A pod started after the change (by RPM's %podunits_post, say) has them already.</item>
/// <item>A pod the last refresh had not seen, not running and enabled, starts (a package just
/// installed it). A pod that was seen before and is stopped stays stopped: that was someone's
/// choice; so does one that has run and ended since the last refresh (an administrator added,
/// started and stopped it by hand: tour G).</item>
/// <item>A pod whose podunits.io/listen changed has its socket restarted on the new addresses
/// (with the service around it when it runs), or stopped when it has none now.</item>
/// </list>
/// </summary>
internal static class RefreshDecision
{
    /// <param name="onDisk">Every definition now, by pod name.</param>
    /// <param name="running">Every pod whose service is active, by name.</param>
    /// <param name="seenBefore">Pod names the last refresh saw; null on the first refresh
    /// (then every pod is new, as on the first install of PodUnits itself).</param>
    /// <param name="startUnit">The unit that starts a pod at boot when it is enabled
    /// (pod@NAME.service, or pod@NAME.socket for a socket-activated pod); null when it is not enabled.</param>
    /// <param name="configChangedAt">When ConfigMap or Secret files last changed, if they changed
    /// since the last refresh; null when they did not.</param>
    /// <param name="only">Pods to consider (`podunits refresh NAME...`); null for all.</param>
    /// <param name="endedSinceLastRefresh">Whether a pod has run and ended since the last
    /// refresh; null: none has.</param>
    /// <param name="listening">Pods whose pod@NAME.socket is active.</param>
    /// <param name="listenChanged">Whether a pod's podunits.io/listen differs from what its
    /// socket was started with (<see cref="ListenChanged"/>: unknown counts as changed); null: none did.</param>
    /// <param name="listenMoved">Whether it is known to differ (the record has the pod's
    /// settings) and its socket was not started after the definition was last written
    /// (someone applied the change by hand, or the host booted): for an idle socket, and for a running pod that already runs
    /// the definition on disk (its service was restarted after a daemon-reload) but whose
    /// socket was not moved.</param>
    public static List<RefreshAction> Decide(IReadOnlyDictionary<string, DefinitionOnDisk> onDisk, IReadOnlyDictionary<string, RunningPod> running,
        IReadOnlySet<string>? seenBefore, Func<string, string?> startUnit, DateTime? configChangedAt, IReadOnlySet<string>? only,
        Func<string, bool>? endedSinceLastRefresh = null, IReadOnlySet<string>? listening = null, Func<string, bool>? listenChanged = null,
        Func<string, bool>? listenMoved = null)
    {
        ArgumentNullException.ThrowIfNull(onDisk);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(startUnit);
        var actions = new List<RefreshAction>();
        // A socket-activated pod whose definition is gone keeps its socket listening after the
        // daemon-reload (an active unit outlives its file) and holding its port, and the next
        // connection starts a pod with no definition (review of 2026-12-05). A running one's
        // socket is stopped with its service (PodRefresher); an idle one's here.
        foreach (string pod in (listening ?? new HashSet<string>()).Where(p => !onDisk.ContainsKey(p) && !running.ContainsKey(p)
                     && (only is null || only.Contains(p))).Order(StringComparer.Ordinal))
        {
            actions.Add(new(pod, RefreshActionKind.Stop, Core.Naming.PodUnitNames.Socket(pod), "its definition was removed"));
        }
        foreach ((string pod, RunningPod now) in running.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (only is not null && !only.Contains(pod))
            {
                continue;
            }
            string unit = Core.Naming.PodUnitNames.Service(pod);
            if (!onDisk.TryGetValue(pod, out DefinitionOnDisk definition))
            {
                actions.Add(new(pod, RefreshActionKind.Stop, unit, "its definition was removed"));
            }
            else if (now.DefinitionSha256 is not null && (now.DefinitionSha256 != definition.Sha256 || now.DefinitionFile != definition.File))
            {
                string why = now.DefinitionFile == definition.File
                    ? $"{definition.File} changed"
                    : $"it is now defined by {definition.File} (was {now.DefinitionFile})";
                actions.Add(listenChanged?.Invoke(pod) == true
                    ? new(pod, RefreshActionKind.Relisten, Core.Naming.PodUnitNames.Socket(pod), $"{why}, its podunits.io/listen with it")
                    : new(pod, RefreshActionKind.Restart, unit, why));
            }
            else if (listenMoved?.Invoke(pod) == true)
            {
                actions.Add(new(pod, RefreshActionKind.Relisten, Core.Naming.PodUnitNames.Socket(pod),
                    $"{definition.File} changed its podunits.io/listen, and the pod was restarted since without its socket moving"));
            }
            else if (configChangedAt is { } changed && (now.StartedUtc is not { } started || started < changed))
            {
                actions.Add(now.Starting
                    ? new(pod, RefreshActionKind.Restart, unit, "ConfigMap or Secret files changed while it was starting")
                    : new(pod, RefreshActionKind.Reload, unit, "ConfigMap or Secret files changed"));
            }
        }
        // An idle pod's socket listens where it was started (a daemon-reload closes what moved
        // and opens nothing new): the new definition would be reachable at none of its new addresses.
        foreach ((string pod, DefinitionOnDisk definition) in onDisk.Where(p => listening?.Contains(p.Key) == true && !running.ContainsKey(p.Key)
                     && (only is null || only.Contains(p.Key)) && listenMoved?.Invoke(p.Key) == true).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            actions.Add(new(pod, RefreshActionKind.Relisten, Core.Naming.PodUnitNames.Socket(pod), $"{definition.File} changed its podunits.io/listen"));
        }
        foreach ((string pod, DefinitionOnDisk definition) in onDisk.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if ((only is not null && !only.Contains(pod)) || running.ContainsKey(pod) || seenBefore?.Contains(pod) == true
                || endedSinceLastRefresh?.Invoke(pod) == true)
            {
                continue;
            }
            if (startUnit(pod) is { } unit)
            {
                actions.Add(new(pod, RefreshActionKind.Start, unit, $"{definition.File} is new and {unit} is enabled"));
            }
        }
        return actions;
    }

    /// <summary>Whether a pod's socket must be restarted to listen where its definition says
    /// now. <paramref name="before"/>: the settings the last refresh left (null: unknown, a pod
    /// no refresh has seen since PodUnits kept them); <paramref name="after"/>: the
    /// definition's now (null when it does not load: its restart fails on it, nothing moves).
    /// Unknown is taken as changed for a pod that listens before or after: the restart of its
    /// socket costs a connection in its queue at worst, a missed one leaves it on old
    /// addresses until someone restarts it by hand.</summary>
    public static bool ListenChanged(IReadOnlyList<string>? before, IReadOnlyList<string>? after, bool socketActive) =>
        after is not null && (before is null ? socketActive || after.Count > 0 : !before.SequenceEqual(after, StringComparer.Ordinal));
}

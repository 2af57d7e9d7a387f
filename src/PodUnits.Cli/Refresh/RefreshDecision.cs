namespace PodUnits.Cli.Refresh;

/// <summary>A definition as it is on disk now: the file that wins for the pod's name and
/// the SHA-256 (hex) of its bytes.</summary>
internal readonly record struct DefinitionOnDisk(string File, string Sha256);

/// <summary>A pod whose pod@NAME.service is active, with the definition it started from (the
/// plan's record; null when it was started by a PodUnits that kept none) and when it started.</summary>
internal readonly record struct RunningPod(string? DefinitionFile, string? DefinitionSha256, DateTime? StartedUtc = null);

internal enum RefreshActionKind { Start, Restart, Reload, Stop }

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
    public static List<RefreshAction> Decide(IReadOnlyDictionary<string, DefinitionOnDisk> onDisk, IReadOnlyDictionary<string, RunningPod> running,
        IReadOnlySet<string>? seenBefore, Func<string, string?> startUnit, DateTime? configChangedAt, IReadOnlySet<string>? only,
        Func<string, bool>? endedSinceLastRefresh = null, IReadOnlySet<string>? listening = null)
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
                actions.Add(new(pod, RefreshActionKind.Restart, unit, now.DefinitionFile == definition.File
                    ? $"{definition.File} changed"
                    : $"it is now defined by {definition.File} (was {now.DefinitionFile})"));
            }
            else if (configChangedAt is { } changed && (now.StartedUtc is not { } started || started < changed))
            {
                actions.Add(new(pod, RefreshActionKind.Reload, unit, "ConfigMap or Secret files changed"));
            }
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
}

using PodUnits.Definitions;

namespace PodUnits.Cli.Refresh;

/// <summary>
/// Each pod's podunits.io/listen as pod@NAME.socket's settings (<c>ListenStream=127.0.0.1:8080</c>),
/// in the annotation's order (the order of LISTEN_FDS): as the last refresh left them
/// (<see cref="RefreshRecord.Listen"/>) and as the definition says now. The record, not
/// systemd's view, is "before": any daemon-reload (another package's, an administrator's)
/// shows the new settings in the socket unit, while systemd only closed the descriptors of
/// addresses that moved (a running pod keeps its copies) and opened none ("not functional
/// until restarted"), so after one nothing in systemd's properties tells the two apart. A definition is loaded
/// only when its hash changed since the record.
/// </summary>
internal sealed class ListenSettings(RefreshRecord? record, IReadOnlyDictionary<string, DefinitionOnDisk> onDisk)
{
    private readonly Dictionary<string, List<string>?> _now = new(StringComparer.Ordinal);

    /// <summary>The settings the last refresh left; null when unknown (a pod no refresh has
    /// seen since PodUnits kept them).</summary>
    public List<string>? Before(string pod) =>
        record?.Listen is not { } listen || !record.Pods.ContainsKey(pod) ? null
        : listen.TryGetValue(pod, out List<string>? known) ? known : [];

    /// <summary>The definition's settings now (empty without podunits.io/listen); null when
    /// the pod has no definition or it does not load (the generator made no socket for it).</summary>
    public List<string>? Now(string pod)
    {
        if (!onDisk.TryGetValue(pod, out DefinitionOnDisk definition))
        {
            return null;
        }
        if (!_now.TryGetValue(pod, out List<string>? now))
        {
            _now[pod] = now = record?.Pods.GetValueOrDefault(pod) == definition.Sha256 && Before(pod) is { } unchanged ? unchanged : Load(definition.File);
        }
        return now;
    }

    /// <summary>The record's <see cref="RefreshRecord.Listen"/> for <paramref name="pods"/>:
    /// the new settings, or the old ones where they were not applied (outside <paramref name="only"/>,
    /// a failed relisten, a definition that does not load). Absent: none; null: unknown.</summary>
    public Dictionary<string, List<string>?> ToRecord(IEnumerable<string> pods, IReadOnlySet<string>? only, Func<string, bool> relistenFailed)
    {
        var listen = new Dictionary<string, List<string>?>(StringComparer.Ordinal);
        foreach (string pod in pods)
        {
            List<string>? kept = (only is not null && !only.Contains(pod)) || relistenFailed(pod) ? Before(pod) : Now(pod) ?? Before(pod);
            if (kept is not { Count: 0 })
            {
                listen[pod] = kept;
            }
        }
        return listen;
    }

    /// <summary>Loaded as the generator loads it (no decryption; a ConfigMap or Secret not
    /// there yet is no reason to have no socket).</summary>
    private static List<string>? Load(string file)
    {
        LoadResult loaded = PodDefinitionLoader.LoadFile(file, LoadOptions.Default with { DecryptSecret = null, MissingObjectsAreWarnings = true });
        return loaded.Pod is { } pod ? [.. pod.Activation.Listen.Select(a => $"{a.Setting}={a.Address}")] : null;
    }
}

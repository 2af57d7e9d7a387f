using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Journal;
using PodUnits.Journal.Files;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// How a container's output reaches each journal. docs/design.md wants CONTAINER_NAME,
/// CONTAINER_ID, CONTAINER_ID_FULL, POD_NAME and POD_ID on every line in the host journal,
/// attributed to the executor's unit. journald's stream protocol cannot carry fields per
/// line, but journald adds the unit's LogExtraFields= to every entry: when those already hold
/// all of a container's fields (the generator writes them for a one-container pod), its
/// stream goes to the host journald as a stream, the cheap path; otherwise each line is a
/// datagram with the fields the unit lacks (never the ones it adds: no field twice).
/// The pod's own journal (`journalctl -M POD`) gets every line too, written by the executor
/// into the pod's journal files (<see cref="JournalFileLogTarget"/>).
/// </summary>
public sealed class LogRoutes
{
    private readonly string _podName;
    private readonly string _podId;
    private readonly string? _unitName;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _unitFields;
    private readonly JournalDirectory? _podJournal;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _podJournalFields;

    /// <param name="unitName">The executor's own service (null when it runs outside one).</param>
    /// <param name="unitFields">That unit's LogExtraFields=.</param>
    /// <param name="podJournal">The pod's journal files; null: the pod has no journal of its own.</param>
    /// <param name="podJournalFields">What journald would add to each entry of the pod's
    /// journal (_TRANSPORT, _BOOT_ID, _MACHINE_ID, _HOSTNAME).</param>
    public LogRoutes(string podName, string podId, string? unitName, IReadOnlyList<KeyValuePair<string, string>> unitFields,
        JournalDirectory? podJournal, IReadOnlyList<KeyValuePair<string, string>> podJournalFields)
    {
        _podName = podName;
        _podId = podId;
        _unitName = unitName;
        _unitFields = unitFields;
        _podJournal = podJournal;
        _podJournalFields = podJournalFields;
    }

    /// <summary>The fields of <paramref name="container"/>'s lines that the unit does not add
    /// already with the same value; empty means the stream path carries everything.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FieldsPerLine(ContainerPlan container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return FieldsOf(container).Where(f => !_unitFields.Contains(f)).ToList();
    }

    /// <summary>
    /// What is wrong when the unit adds a container's fields of another definition than the
    /// one this run follows; null when nothing is. The generator puts a one-container pod's
    /// CONTAINER_NAME in LogExtraFields=; a pod edited (a container renamed or added) and
    /// restarted without `systemctl daemon-reload` runs with the old fields, which journald
    /// adds to every line, so another container's lines carry two CONTAINER_NAMEs (journal
    /// review of 2026-12-06, finding 2). journald cannot be told to leave them out: it is said.
    /// </summary>
    public string? StaleUnitFields(IReadOnlyList<ContainerPlan> containers)
    {
        ArgumentNullException.ThrowIfNull(containers);
        string[] stale = [.. _unitFields
            .Where(f => f.Key is PodJournalFields.ContainerName or PodJournalFields.ContainerId or PodJournalFields.ContainerIdFull)
            .Where(f => containers.Count != 1 || !FieldsOf(containers[0]).Contains(f))
            .Select(f => $"{f.Key}={f.Value}")];
        return stale.Length == 0 ? null
            : $"{_unitName} adds {string.Join(" ", stale)} to every line, from a definition older than the one this run follows: "
              + "run 'systemctl daemon-reload' and restart it; until then other containers' lines carry that name too";
    }

    private IReadOnlyList<KeyValuePair<string, string>> FieldsOf(ContainerPlan container) =>
        PodIdentity.ContainerFields(_podName, _podId, container.Name, container.IdFull);

    /// <summary>Whether the host journal gets <paramref name="container"/>'s output as a stream.</summary>
    public bool HostStream(ContainerPlan container) => _unitName is not null && FieldsPerLine(container).Count == 0;

    /// <summary>A warning about a container's lines in the host journal, as a datagram of
    /// PodUnits' own with the container's fields the unit does not add; stage 1's stderr when
    /// the journal cannot take it either.</summary>
    private static void HostWarning(string message, IReadOnlyList<KeyValuePair<string, string>> fields, string unit)
    {
        try
        {
            JournalClient.Shared.Send(HostWarningEntry(message, fields, unit));
        }
        catch (PodUnitsException)
        {
            StageLog.Warning(message);
        }
    }

    /// <summary>The entry of <see cref="HostWarning"/>. It names the executor's unit in
    /// OBJECT_SYSTEMD_UNIT, as PodEventLog's entries do: the warning that counts lost lines
    /// is sent as the executor ends, and journald, reading it after the exit, could no
    /// longer give it _SYSTEMD_UNIT from the sender's cgroup; `journalctl -u` and `podunits
    /// logs` (LogsCommand.Matches) then did not show it (logging review of 2026-12-07,
    /// finding 4). Not POD_NAME or POD_ID where the unit adds them: no field twice.</summary>
    internal static byte[] HostWarningEntry(string message, IReadOnlyList<KeyValuePair<string, string>> fields, string unit)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var entry = new JournalEntryBuilder();
        entry.Add("MESSAGE", message).AddPriority(JournalPriority.Warning).Add("SYSLOG_IDENTIFIER", PodJournalFields.OwnIdentifier).AddCodeLocation();
        foreach ((string field, string value) in fields)
        {
            entry.Add(field, value);
        }
        entry.Add("OBJECT_SYSTEMD_UNIT", unit);
        return entry.Encoded.ToArray();
    }

    /// <summary>The journals for one stream of <paramref name="container"/>, the pod's own first.</summary>
    public IReadOnlyList<LogTarget> TargetsFor(ContainerPlan container, bool stderr)
    {
        ArgumentNullException.ThrowIfNull(container);
        string name = container.Name;
        JournalPriority priority = stderr ? JournalPriority.Error : JournalPriority.Informational;
        IReadOnlyList<KeyValuePair<string, string>> perLine = FieldsPerLine(container);
        string? unit = _unitName;
        Action<string>? warn = unit is null ? null : message => HostWarning($"container {name} ({(stderr ? "stderr" : "stdout")}): {message}", perLine, unit);
        LogTarget host = _unitName is not null && perLine.Count == 0
            ? new StreamLogTarget(JournalStream.DefaultSocketPath,
                () => JournalStream.OpenHandle(name, priority, unitId: _unitName)) { Warn = warn }
            : new DatagramLogTarget(JournalClient.Shared,
                [new("SYSLOG_IDENTIFIER", name), new("PRIORITY", ((int)priority).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                 .. perLine]) { Warn = warn };
        if (_podJournal is null)
        {
            return [host];
        }
        LogTarget pod = new JournalFileLogTarget(_podJournal, $"of pod {_podName}",
            [new("SYSLOG_IDENTIFIER", name), new("PRIORITY", ((int)priority).ToString(System.Globalization.CultureInfo.InvariantCulture)),
             .. _podJournalFields, .. PodIdentity.ContainerFields(_podName, _podId, name, container.IdFull)]);
        // The pod's journal first: it takes a lock and a copy into a mapping, while a slow host
        // journald blocks the send, which held the pod's copy back with it and at the stop's
        // limit lost the tail from both (journal review of 2026-12-06, finding 4).
        return [pod, host];
    }
}

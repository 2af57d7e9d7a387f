using PodUnits.Core.Identity;
using PodUnits.Journal;
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
/// The pod's own journald always gets a stream (MESSAGE, PRIORITY, SYSLOG_IDENTIFIER:
/// `journalctl -M POD -t CONTAINER`).
/// </summary>
public sealed class LogRoutes
{
    private readonly string _podName;
    private readonly string _podId;
    private readonly string? _unitName;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _unitFields;
    private readonly PodStreamHandoff _podStreams;

    /// <param name="unitName">The executor's own service (null when it runs outside one).</param>
    /// <param name="unitFields">That unit's LogExtraFields=.</param>
    /// <param name="podStreams">The pod journald's streams, once the pod init hands them over.</param>
    public LogRoutes(string podName, string podId, string? unitName, IReadOnlyList<KeyValuePair<string, string>> unitFields,
        PodStreamHandoff podStreams)
    {
        _podName = podName;
        _podId = podId;
        _unitName = unitName;
        _unitFields = unitFields;
        _podStreams = podStreams;
    }

    /// <summary>The fields of <paramref name="container"/>'s lines that the unit does not add
    /// already with the same value; empty means the stream path carries everything.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FieldsPerLine(ContainerPlan container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return PodIdentity.ContainerFields(_podName, _podId, container.Name, container.IdFull).Where(f => !_unitFields.Contains(f)).ToList();
    }

    /// <summary>Whether the host journal gets <paramref name="container"/>'s output as a stream.</summary>
    public bool HostStream(ContainerPlan container) => _unitName is not null && FieldsPerLine(container).Count == 0;

    /// <summary>The journals for one stream of container <paramref name="index"/> of the plan, host first.</summary>
    public IReadOnlyList<LogTarget> TargetsFor(ContainerPlan container, int index, bool stderr)
    {
        ArgumentNullException.ThrowIfNull(container);
        string name = container.Name;
        JournalPriority priority = stderr ? JournalPriority.Error : JournalPriority.Informational;
        IReadOnlyList<KeyValuePair<string, string>> perLine = FieldsPerLine(container);
        LogTarget host = _unitName is not null && perLine.Count == 0
            ? new StreamLogTarget(JournalStream.DefaultSocketPath,
                () => JournalStream.OpenHandle(name, priority, unitId: _unitName))
            : new DatagramLogTarget(JournalClient.Shared,
                [new("SYSLOG_IDENTIFIER", name), new("PRIORITY", ((int)priority).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                 .. perLine]);
        LogTarget pod = new StreamLogTarget($"of pod {_podName}", () => _podStreams.Get(Init.PodInitDescriptors.StreamIndex(index, stderr)));
        return [host, pod];
    }
}

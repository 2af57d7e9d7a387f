using PodUnits.Journal;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// A container stream sent to a journald one native-protocol datagram per line, each with
/// the fields the unit cannot add itself (for a pod of several containers: which container
/// it is). Lines are split like podman's journald driver does (<see cref="LineSplitter"/>):
/// long lines and an unterminated last line become pieces marked CONTAINER_PARTIAL_MESSAGE.
/// </summary>
public sealed class DatagramLogTarget : LogTarget
{
    private readonly JournalClient _journal;
    private readonly JournalEntryBuilder _entry = new();
    private readonly LineSplitter _splitter = new();
    private readonly int _shared;

    public DatagramLogTarget(JournalClient journal, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(fields);
        _journal = journal;
        foreach ((string name, string value) in fields)
        {
            _entry.Add(name, value);
        }
        _shared = _entry.Length;
    }

    public override string Description => _journal.SocketPath;

    /// <summary>Whether at least one entry went out.</summary>
    public bool Sent { get; private set; }

    protected override void Write(ReadOnlySpan<byte> chunk) => _splitter.Feed(chunk, Emit);

    protected override void Finish() => _splitter.Flush(Emit);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _entry.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Emit(ReadOnlyMemory<byte> message, bool partial)
    {
        _entry.ResetTo(_shared);
        if (partial)
        {
            _entry.Add("CONTAINER_PARTIAL_MESSAGE", "true");
        }
        _entry.Add("MESSAGE", message.Span);
        _journal.Send(_entry);
        Sent = true;
    }
}

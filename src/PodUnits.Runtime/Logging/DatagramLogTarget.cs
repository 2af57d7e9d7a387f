using PodUnits.Journal;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// A container stream sent to a journald over its native protocol, every line an entry with
/// the fields the unit cannot add itself (for a pod of several containers: which container
/// it is). Lines are split like podman's journald driver does (<see cref="LineSplitter"/>):
/// the pieces of a long line but its last are marked CONTAINER_PARTIAL_MESSAGE; an
/// unterminated last line (a run's or the stream's end) is a whole entry.
/// The lines of one read go out together, as entries of one datagram (<see
/// cref="JournalEntryBuilder.EndEntry"/>): a line is never held back waiting for more, and a
/// burst costs journald one wake-up per read instead of one per line.
/// </summary>
public sealed class DatagramLogTarget : LineLogTarget
{
    /// <summary>A batch is sent once it reaches this size, so a long burst is cut into
    /// datagrams well inside the socket's 8 MiB send buffer and journald's queue.</summary>
    internal const int BatchBytes = 128 * 1024;

    private readonly JournalClient _journal;
    private readonly byte[] _shared;
    private readonly JournalEntryBuilder _batch = new();
    private int _entries;

    public DatagramLogTarget(JournalClient journal, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(fields);
        _journal = journal;
        using var shared = new JournalEntryBuilder();
        foreach ((string name, string value) in fields)
        {
            shared.Add(name, value);
        }
        _shared = shared.Encoded.ToArray();
    }

    public override string Description => _journal.SocketPath;

    /// <summary>Whether at least one entry went out.</summary>
    public bool Sent => DatagramCount > 0;

    /// <summary>Datagrams sent so far (each holding one or more entries).</summary>
    public long DatagramCount { get; private set; }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _batch.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override void Line(ReadOnlySpan<byte> message, bool isPartial)
    {
        _batch.AddEncoded(_shared);
        if (isPartial)
        {
            _batch.Add("CONTAINER_PARTIAL_MESSAGE", "true");
        }
        _batch.Add("MESSAGE", message).EndEntry();
        _entries++;
        if (_batch.Length >= BatchBytes)
        {
            SendBatch();
        }
    }

    protected override void EndOfChunk() => SendBatch();

    /// <summary>The host's journald: a stopped one, sockets and all, is found again
    /// (<see cref="LogTarget"/>); each datagram goes to the socket's path anew.</summary>
    protected override bool RetriesAfterFailure => true;

    /// <summary>The batch that failed is not sent again: its lines count as missed.</summary>
    protected override void Reset()
    {
        base.Reset();
        _batch.Clear();
        _entries = 0;
    }

    private void SendBatch()
    {
        if (_entries == 0)
        {
            return;
        }
        _journal.Send(_batch);
        _batch.Clear();
        _entries = 0;
        DatagramCount++;
        Reached();
    }
}

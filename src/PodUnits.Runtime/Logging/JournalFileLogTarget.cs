using System.Text;
using PodUnits.Journal.Files;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// A container stream written into the pod's own journal files (`journalctl -M POD`) by the
/// executor itself (<see cref="JournalDirectory"/>), split into lines as for the host
/// journal (<see cref="LineSplitter"/>: the pieces of a long line but its last marked
/// CONTAINER_PARTIAL_MESSAGE=true; an unterminated last line is a whole entry). Every entry
/// carries the fields journald would have given it and the container's fields; readers
/// following the journal are woken once per chunk, not per line.
/// </summary>
public sealed class JournalFileLogTarget : LineLogTarget
{
    private readonly JournalDirectory _journal;
    private readonly byte[][] _fields;
    private readonly byte[][] _partialFields;
    private readonly TimeSpan _retryDelay;
    private bool _wrote;

    /// <param name="fields">NAME=value pairs every line of this stream gets.</param>
    /// <param name="retryDelay">How long a failed journal is left alone (tests shorten it).</param>
    public JournalFileLogTarget(JournalDirectory journal, string description, IEnumerable<KeyValuePair<string, string>> fields, TimeSpan? retryDelay = null)
    {
        _retryDelay = retryDelay ?? TimeSpan.FromSeconds(10);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(fields);
        _journal = journal;
        Description = description;
        _fields = [.. fields.Select(f => Encoding.UTF8.GetBytes($"{f.Key}={f.Value}"))];
        _partialFields = [.. _fields, "CONTAINER_PARTIAL_MESSAGE=true"u8.ToArray()];
    }

    public override string Description { get; }

    /// <summary>Tried again too, every 10 s: a disk full for a minute (a rotation's new file
    /// cannot be allocated) must not cost the pod's journal every later line of the stream
    /// (review of 2026-12-05). A failed file is removed (JournalFileWriter.Create) and the
    /// next try starts a new one.</summary>
    protected override bool RetriesAfterFailure => !_journal.IsClosed; // closed at the pod's end: nothing to try again

    protected override TimeSpan RetryDelay => _retryDelay;

    protected override void Line(ReadOnlySpan<byte> message, bool isPartial)
    {
        try
        {
            _journal.Append(isPartial ? _partialFields : _fields, message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException(e.Message, e); // a read-only directory, say: this journal's copy stops, with one warning
        }
        _wrote = true;
        Reached();
    }

    /// <summary>The lines written before the failure wake `journalctl -f` now, not at the
    /// next chunk that succeeds (journal review of 2026-12-06, finding 4).</summary>
    protected override void Reset()
    {
        base.Reset();
        EndOfChunk();
    }

    protected override void EndOfChunk()
    {
        if (_wrote)
        {
            _journal.NotifyReaders();
            _wrote = false;
        }
    }
}

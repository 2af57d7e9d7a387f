namespace PodUnits.Runtime.Logging;

/// <summary>Receives one message of a split stream; the span is valid only during the call.</summary>
public delegate void LinePieceHandler(ReadOnlySpan<byte> message, bool partial);

/// <summary>
/// Splits a byte stream into journal messages like podman's journald driver: one per line
/// without the newline; a line longer than <see cref="MaxPiece"/> bytes becomes pieces of
/// that size marked partial; a last line without a newline is flushed as its caller says
/// (LineLogTarget: whole, at a run's end and the stream's).
/// A line wholly inside one chunk is passed as a slice of that chunk, so splitting copies
/// and allocates nothing on the hot path; only a line spanning chunks is gathered.
/// </summary>
public sealed class LineSplitter
{
    public const int MaxPiece = 8192;

    private readonly byte[] _pending = new byte[MaxPiece];
    private int _length;

    /// <summary>Calls <paramref name="emit"/> for each complete piece in <paramref name="data"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, LinePieceHandler emit)
    {
        ArgumentNullException.ThrowIfNull(emit);
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            int take = newline < 0 ? data.Length : newline;
            int room = MaxPiece - _length;
            if (take > room)
            {
                // The line will not fit: emit a full piece and go on with the rest. A line
                // that just fills a piece is held instead, until the next byte says whether
                // it ends there: emitted as partial, a newline in the next read made an empty
                // entry of its own (review of 2026-12-05).
                Emit(data[..room], partial: true, emit);
                data = data[room..];
                continue;
            }
            if (newline < 0)
            {
                data.CopyTo(_pending.AsSpan(_length));
                _length += data.Length;
                return;
            }
            Emit(data[..take], partial: false, emit);
            data = data[(newline + 1)..];
        }
    }

    /// <summary>The unterminated rest, if any: marked <paramref name="partial"/> (as podman's
    /// driver marks it at end of stream), or, at the end of a container's run or of its
    /// stream, which end the line for good, not, so no reader joins it to the next run's.</summary>
    public void Flush(LinePieceHandler emit, bool partial)
    {
        ArgumentNullException.ThrowIfNull(emit);
        if (_length > 0)
        {
            int length = _length;
            _length = 0;
            emit(_pending.AsSpan(0, length), partial);
        }
    }

    /// <summary>Drops the unterminated rest: after a journal outage, whose chunks were not
    /// fed here, it would be glued to the first line read after it.</summary>
    public void Discard() => _length = 0;

    /// <summary>Emits what is pending followed by <paramref name="tail"/> as one message.</summary>
    private void Emit(ReadOnlySpan<byte> tail, bool partial, LinePieceHandler emit)
    {
        if (_length == 0)
        {
            emit(tail, partial);
            return;
        }
        tail.CopyTo(_pending.AsSpan(_length));
        int length = _length + tail.Length;
        _length = 0;
        emit(_pending.AsSpan(0, length), partial);
    }
}

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Splits a byte stream into journal messages like podman's journald driver: one per line
/// without the newline; a line longer than <see cref="MaxPiece"/> bytes becomes pieces of
/// that size marked partial, and a last line without a newline is flushed as partial too.
/// </summary>
public sealed class LineSplitter
{
    public const int MaxPiece = 8192;

    private readonly byte[] _pending = new byte[MaxPiece];
    private int _length;

    /// <summary>Receives (message, partial) for each complete piece in <paramref name="data"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, Action<ReadOnlyMemory<byte>, bool> emit)
    {
        ArgumentNullException.ThrowIfNull(emit);
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            int take = newline < 0 ? data.Length : newline;
            int room = MaxPiece - _length;
            if (take >= room && !(take == room && newline >= 0))
            {
                // The line will not fit: emit a full piece and go on with the rest.
                data[..room].CopyTo(_pending.AsSpan(_length));
                emit(_pending.AsMemory(0, MaxPiece).ToArray(), true);
                _length = 0;
                data = data[room..];
                continue;
            }
            data[..take].CopyTo(_pending.AsSpan(_length));
            _length += take;
            if (newline < 0)
            {
                return;
            }
            emit(_pending.AsMemory(0, _length).ToArray(), false);
            _length = 0;
            data = data[(newline + 1)..];
        }
    }

    /// <summary>At end of stream: the unterminated rest, if any, as a partial message.</summary>
    public void Flush(Action<ReadOnlyMemory<byte>, bool> emit)
    {
        ArgumentNullException.ThrowIfNull(emit);
        if (_length > 0)
        {
            emit(_pending.AsMemory(0, _length).ToArray(), true);
            _length = 0;
        }
    }
}

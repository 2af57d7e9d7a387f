namespace PodUnits.Images.Unpack;

/// <summary>
/// Hides from System.Formats.Tar's reader the newlines inside the values of an x header's
/// SCHILY.xattr records. A PAX record is length-prefixed ("LEN key=value\n"), so a value may
/// hold any byte, a newline too: a binary security.capability whose mask has a 0x0a byte, a
/// user.* note of several lines. Go's archive/tar (containerd, podman) reads such records
/// by their length; the .NET reader splits them at newlines and refused the whole layer
/// ("The extended header contains invalid records"). PodUnits takes xattr values from the
/// raw bytes (<see cref="PaxRecords"/>, <see cref="TarHeaderGuard.EntryRecords"/>), never
/// from the reader's strings, so the bytes handed to the reader can carry a space in
/// place of each such newline: the record keeps its length and the reader accepts it.
/// Other keys (path, linkpath...) are left alone: a newline there still fails the layer,
/// as the reader's string is what PodUnits uses for them.
/// The data comes in chunks as the reader asks for it, so the scan is incremental; at a
/// malformed record it stops and leaves the rest to the reader, which refuses it.
/// </summary>
internal sealed class PaxNewlineMask
{
    private const string XattrPrefix = "SCHILY.xattr.";
    private enum State { Length, Key, Value, Stopped }

    private State _state = State.Length;
    private long _length;
    /// <summary>Bytes of the current record seen, its length digits and space included.</summary>
    private long _seen;
    private int _keyMatched;
    private bool _isXattr;

    public void Mask(Span<byte> chunk)
    {
        for (int i = 0; i < chunk.Length && _state != State.Stopped; i++)
        {
            byte b = chunk[i];
            _seen++;
            switch (_state)
            {
                case State.Length when b is >= (byte)'0' and <= (byte)'9' && _length < int.MaxValue:
                    _length = _length * 10 + (b - '0');
                    break;
                case State.Length when b == (byte)' ' && _length > _seen:
                    _state = State.Key;
                    _keyMatched = 0;
                    _isXattr = false;
                    break;
                case State.Key when b == (byte)'=':
                    _isXattr = _keyMatched == XattrPrefix.Length;
                    _state = State.Value;
                    break;
                case State.Key:
                    // -1 once the key is known not to start with the prefix.
                    if (_keyMatched >= 0 && _keyMatched < XattrPrefix.Length)
                        _keyMatched = b == XattrPrefix[_keyMatched] ? _keyMatched + 1 : -1;
                    break;
                case State.Value when _seen == _length:
                    _state = b == (byte)'\n' ? State.Length : State.Stopped;
                    _length = 0;
                    _seen = 0;
                    break;
                case State.Value when b == (byte)'\n' && _isXattr:
                    chunk[i] = (byte)' ';
                    break;
                case State.Value:
                    break;
                default:
                    _state = State.Stopped;
                    break;
            }
            if (_state is State.Key && _seen >= _length) _state = State.Stopped; // no '=' in the record
        }
    }
}

using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Attach;

/// <summary>
/// The key sequence that leaves an attached terminal without ending its pod, in docker's and
/// podman's notation (<c>--detach-keys</c>): comma-separated keys, each a single character or
/// <c>ctrl-X</c> with X one of a-z, @, [, \, ], ^ or _. The default is theirs, Ctrl-P Ctrl-Q;
/// an empty string turns detaching off.
/// </summary>
public sealed class DetachKeys
{
    public const string Default = "ctrl-p,ctrl-q";

    private readonly byte[] _sequence;

    private DetachKeys(byte[] sequence) => _sequence = sequence;

    /// <summary>The bytes a terminal sends for the sequence (empty: detaching is off).</summary>
    public ReadOnlySpan<byte> Sequence => _sequence;

    /// <exception cref="BadInputException"><paramref name="text"/> is not a key sequence.</exception>
    public static DetachKeys Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return new DetachKeys([]);
        }
        var bytes = new List<byte>();
        foreach (string key in text.Split(','))
        {
            bytes.Add(KeyByte(key) ?? throw new BadInputException("--detach-keys",
                $"\"{key}\" is not a key: use a single character or ctrl-X (X: a-z, @, [, \\, ], ^, _), comma-separated, as in \"{Default}\""));
        }
        return new DetachKeys([.. bytes]);
    }

    private static byte? KeyByte(string key)
    {
        if (key.Length == 1 && key[0] is > ' ' and < '\u007f')
        {
            return (byte)key[0];
        }
        if (key.Length != 6 || !key.StartsWith("ctrl-", StringComparison.Ordinal))
        {
            return null;
        }
        char c = key[5];
        return c switch
        {
            >= 'a' and <= 'z' => (byte)(c - 'a' + 1),
            '@' => 0,
            '[' => 27,
            '\\' => 28,
            ']' => 29,
            '^' => 30,
            '_' => 31,
            _ => null,
        };
    }

    /// <summary>A matcher for one input stream.</summary>
    public Matcher NewMatcher() => new(_sequence);

    /// <summary>
    /// Watches typed input for the sequence. Bytes that could begin it are held back; when the
    /// next byte breaks the sequence they are passed on after all (docker does the same), so a
    /// lone Ctrl-P still reaches the program.
    /// </summary>
    public sealed class Matcher
    {
        private readonly byte[] _sequence;
        private int _matched;

        internal Matcher(byte[] sequence) => _sequence = sequence;

        /// <summary>Copies to <paramref name="output"/> what of <paramref name="input"/> goes to
        /// the program; true when the sequence is complete (what follows it is dropped).</summary>
        public bool Feed(ReadOnlySpan<byte> input, List<byte> output)
        {
            ArgumentNullException.ThrowIfNull(output);
            if (_sequence.Length == 0)
            {
                output.AddRange(input);
                return false;
            }
            foreach (byte b in input)
            {
                while (b != _sequence[_matched] && _matched > 0)
                {
                    // The held bytes broke off; their longest tail that begins the sequence
                    // stays held (ctrl-p,ctrl-p,ctrl-q typed as Ctrl-P Ctrl-P Ctrl-P Ctrl-Q
                    // still detaches), and what comes before it goes to the program.
                    int kept = Border(_matched);
                    output.AddRange(_sequence.AsSpan(0, _matched - kept));
                    _matched = kept;
                }
                if (b == _sequence[_matched])
                {
                    if (++_matched == _sequence.Length)
                    {
                        _matched = 0;
                        return true;
                    }
                    continue;
                }
                output.Add(b);
            }
            return false;
        }

        /// <summary>The longest proper prefix of the sequence's first <paramref name="length"/>
        /// bytes that is also their suffix (KMP's failure function; sequences are a few keys).</summary>
        private int Border(int length)
        {
            for (int k = length - 1; k > 0; k--)
            {
                if (_sequence.AsSpan(0, k).SequenceEqual(_sequence.AsSpan(length - k, k)))
                {
                    return k;
                }
            }
            return 0;
        }
    }
}

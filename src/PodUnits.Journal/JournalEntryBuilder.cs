using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using static PodUnits.Core.Identity.PodJournalFields;

namespace PodUnits.Journal;

/// <summary>
/// Encodes one journal entry (or, with <see cref="EndEntry"/>, a batch of them) in
/// journald's native protocol (systemd's JOURNAL_NATIVE_PROTOCOL document) into a reusable
/// pooled buffer: <c>NAME=VALUE\n</c> for values without newline
/// or NUL, and the binary-safe <c>NAME\n&lt;u64 LE length&gt;VALUE\n</c> otherwise. Values may
/// be arbitrary bytes (container output need not be UTF-8). Reuse one builder per thread:
/// after the buffer has grown to the largest entry, adding fields allocates nothing.
/// Not thread-safe.
/// </summary>
public sealed class JournalEntryBuilder : IDisposable
{
    private const int BinaryHeader = 1 + sizeof(ulong); // '\n' after the name, then the length
    private byte[] _buffer;
    private int _length;

    public JournalEntryBuilder(int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 16);
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes encoded so far; <see cref="ResetTo"/> returns to such a length.</summary>
    public int Length => _length;

    /// <summary>Fields whose requested name was invalid and was sent normalised (since <see cref="Clear"/>).</summary>
    public int NormalisedNameCount { get; private set; }

    /// <summary>The entry as it goes on the wire.</summary>
    public ReadOnlySpan<byte> Encoded => _buffer.AsSpan(0, _length);

    /// <summary>Starts a new entry, keeping the buffer.</summary>
    public void Clear()
    {
        _length = 0;
        NormalisedNameCount = 0;
    }

    /// <summary>
    /// Drops the fields added after <paramref name="length"/> (a <see cref="Length"/> read
    /// earlier): encode the fields every entry shares once, then per entry add the rest and
    /// reset to the shared part.
    /// </summary>
    public void ResetTo(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    public JournalEntryBuilder Add(JournalFieldName name, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(name);
        WriteName(name.Utf8);
        WriteValue(value);
        return this;
    }

    public JournalEntryBuilder Add(JournalFieldName name, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(name);
        WriteName(name.Utf8);
        WriteValue(value);
        return this;
    }

    public JournalEntryBuilder Add(JournalFieldName name, string? value) => Add(name, value.AsSpan());

    public JournalEntryBuilder Add(JournalFieldName name, long value)
    {
        ArgumentNullException.ThrowIfNull(name);
        WriteName(name.Utf8);
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
        WriteValue(digits[..written]);
        return this;
    }

    public JournalEntryBuilder Add(JournalFieldName name, JournalPriority priority) => Add(name, (long)priority);

    /// <summary>Adds a field by name; an invalid name is normalised (<see cref="JournalFieldName.Normalise"/>) and counted.</summary>
    public JournalEntryBuilder Add(string name, ReadOnlySpan<byte> value)
    {
        WriteName(name);
        WriteValue(value);
        return this;
    }

    /// <inheritdoc cref="Add(string, ReadOnlySpan{byte})"/>
    public JournalEntryBuilder Add(string name, ReadOnlySpan<char> value)
    {
        WriteName(name);
        WriteValue(value);
        return this;
    }

    /// <inheritdoc cref="Add(string, ReadOnlySpan{byte})"/>
    public JournalEntryBuilder Add(string name, string? value) => Add(name, value.AsSpan());

    /// <inheritdoc cref="Add(string, ReadOnlySpan{byte})"/>
    public JournalEntryBuilder Add(string name, long value)
    {
        WriteName(name);
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
        WriteValue(digits[..written]);
        return this;
    }

    /// <summary>
    /// Appends fields already encoded in the native protocol (the <see cref="Encoded"/> bytes
    /// of another builder): fields every entry of a batch shares are encoded once and copied.
    /// </summary>
    public JournalEntryBuilder AddEncoded(ReadOnlySpan<byte> encodedFields)
    {
        encodedFields.CopyTo(Reserve(encodedFields.Length));
        _length += encodedFields.Length;
        return this;
    }

    /// <summary>
    /// Ends the entry so that another can follow in the same datagram. journald reads a
    /// datagram as a sequence of entries separated by an empty line (server_process_native_message()
    /// calls server_process_entry() until the buffer is used up, journald-native.c), so one
    /// sendmsg(2) can carry a whole batch: one wake-up, one credentials lookup and one
    /// syscall for many lines instead of one each.
    /// </summary>
    public JournalEntryBuilder EndEntry()
    {
        Reserve(1)[0] = (byte)'\n';
        _length++;
        return this;
    }

    /// <summary>Adds PRIORITY.</summary>
    public JournalEntryBuilder AddPriority(JournalPriority priority) => Add(JournalFieldName.Priority, (long)priority);

    /// <summary>Adds CODE_FILE (from the repository's src/ on), CODE_LINE and CODE_FUNC of the
    /// caller, as systemd's own log does (systemd.journal-fields(7)). With MESSAGE_ID, they mark
    /// an entry as PodUnits' own rather than a container's line (`podunits logs`).</summary>
    public JournalEntryBuilder AddCodeLocation([CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "") =>
        Add(CodeFile, SourcePath(file)).Add(CodeLine, line).Add(CodeFunc, function);

    /// <summary><paramref name="file"/> as the build saw it, from its src/ directory on.</summary>
    public static string SourcePath(string file)
    {
        int src = file.LastIndexOf("/src/", StringComparison.Ordinal);
        return src >= 0 ? file[(src + 1)..] : file;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (JournalFieldName.IsValid(name))
        {
            // Valid names are ASCII: one byte per char.
            Span<byte> target = Reserve(name.Length);
            Encoding.ASCII.GetBytes(name, target);
            _length += name.Length;
            return;
        }
        NormalisedNameCount++;
        WriteName(Encoding.ASCII.GetBytes(JournalFieldName.Normalise(name)));
    }

    private void WriteName(ReadOnlySpan<byte> name)
    {
        name.CopyTo(Reserve(name.Length));
        _length += name.Length;
    }

    private void WriteValue(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny((byte)'\n', (byte)0) < 0)
        {
            Span<byte> target = Reserve(value.Length + 2);
            target[0] = (byte)'=';
            value.CopyTo(target[1..]);
            target[value.Length + 1] = (byte)'\n';
            _length += value.Length + 2;
            return;
        }
        Span<byte> binary = Reserve(BinaryHeader + value.Length + 1);
        binary[0] = (byte)'\n';
        BinaryPrimitives.WriteUInt64LittleEndian(binary[1..], (ulong)value.Length);
        value.CopyTo(binary[BinaryHeader..]);
        binary[BinaryHeader + value.Length] = (byte)'\n';
        _length += BinaryHeader + value.Length + 1;
    }

    private void WriteValue(ReadOnlySpan<char> value)
    {
        // UTF-8 produces '\n' and NUL bytes only from those characters, so the form can be
        // chosen before encoding; unpaired surrogates become U+FFFD.
        bool binary = value.IndexOfAny('\n', '\0') >= 0;
        int header = binary ? BinaryHeader : 1;
        Span<byte> target = Reserve(header + Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        int written = Encoding.UTF8.GetBytes(value, target[header..]);
        if (binary)
        {
            target[0] = (byte)'\n';
            BinaryPrimitives.WriteUInt64LittleEndian(target[1..], (ulong)written);
        }
        else
        {
            target[0] = (byte)'=';
        }
        target[header + written] = (byte)'\n';
        _length += header + written + 1;
    }

    private Span<byte> Reserve(int count)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
        return _buffer.AsSpan(_length);
    }

    private void Grow(int count)
    {
        long wanted = Math.Max((long)_length + count, (long)_buffer.Length * 2);
        if (wanted > Array.MaxLength)
        {
            throw new InvalidOperationException($"journal entry would exceed {Array.MaxLength} bytes");
        }
        byte[] bigger = ArrayPool<byte>.Shared.Rent((int)wanted);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}

using System.Buffers.Binary;
using System.Globalization;

namespace PodUnits.Images.Unpack;

/// <summary>
/// A read-only stream between a layer's (decompressed) tar and System.Formats.Tar's reader
/// that follows the tar's headers as the reader asks for bytes, sequentially, and:
/// - refuses a PAX header (x, g) or a GNU long name (L, K) larger than
///   <see cref="SpecialLimit"/> before the reader sees its header. The reader checks these
///   only against the largest array (2 GiB), rents that much and decodes it into a string
///   twice as large: a gzip of a few MB made stage 0, root and without a memory limit,
///   allocate gigabytes per layer (images review of 2026-12-07, finding 1). The limit is Go's
///   archive/tar's (maxSpecialFileSize), which containerd and podman unpack with;
/// - hands the reader an x header's data with the newlines inside xattr values masked
///   (<see cref="PaxNewlineMask"/>), which the reader would refuse;
/// - keeps the raw bytes of the PAX records that apply to the entry whose header came last
///   (<see cref="EntryRecords"/>): the reader decodes values as UTF-8, which alters a binary
///   value such as a file capability (images review of 2026-12-07, finding 2).
/// It tracks the reader's own rules (System.Formats.Tar's TarReader): a header whose checksum
/// field is empty or zero ends the archive; an x header's records apply to the next header
/// (and its "size" record sets how much data follows it) unless the x came after a GNU
/// long-name header, where the reader takes it as an entry of its own. What it cannot parse
/// the reader cannot either: it throws <see cref="InvalidDataException"/> as the reader would.
/// </summary>
internal sealed class TarHeaderGuard(Stream inner) : Stream
{
    /// <summary>1 MiB, as Go's archive/tar.</summary>
    public const int SpecialLimit = 1 << 20;
    private const int Block = 512;
    private const int SizeAt = 124, SizeLength = 12, ChecksumAt = 148, ChecksumLength = 8, TypeAt = 156;
    private const byte Pax = (byte)'x', PaxGlobal = (byte)'g', LongPath = (byte)'L', LongLink = (byte)'K';
    private const byte Base256Positive = 0x80, Base256Negative = 0xff;

    private readonly byte[] _header = new byte[Block];
    private int _headerFill;
    /// <summary>Bytes of data and padding before the next header.</summary>
    private long _skip;
    /// <summary>The data of an x header being read, and how much of it has come.</summary>
    private byte[]? _pax;
    private int _paxFill;
    /// <summary>Hides the newlines in its xattr values from the reader (<see cref="PaxNewlineMask"/>).</summary>
    private PaxNewlineMask? _mask;
    /// <summary>Records of an x header for the header that comes next.</summary>
    private Dictionary<string, byte[]>? _pending;
    private byte _previousType;
    private bool _ended;

    /// <summary>The PAX records (keys decoded as the reader decodes them, values as raw bytes)
    /// of the entry whose header was read last, or null when no x header came before it. The
    /// reader returns an entry right after its header, so while the caller handles an entry
    /// these are its records.</summary>
    public IReadOnlyDictionary<string, byte[]>? EntryRecords { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Follow(buffer[..n]);
        return n;
    }

    /// <summary>Walks the bytes about to be handed to the reader; throws before it gets a
    /// header it should not act on.</summary>
    private void Follow(Span<byte> data)
    {
        while (data.Length > 0 && !_ended)
        {
            if (_skip > 0)
            {
                int take = (int)Math.Min(_skip, data.Length);
                if (_pax is not null && _paxFill < _pax.Length)
                {
                    int keep = Math.Min(take, _pax.Length - _paxFill);
                    data[..keep].CopyTo(_pax.AsSpan(_paxFill));
                    _paxFill += keep;
                    _mask?.Mask(data[..keep]); // after the copy: the raw bytes keep the newlines
                }
                data = data[take..];
                _skip -= take;
                FinishPaxIfRead();
                continue;
            }
            int part = Math.Min(Block - _headerFill, data.Length);
            data[..part].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += part;
            data = data[part..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        ReadOnlySpan<byte> checksum = _header.AsSpan(ChecksumAt, ChecksumLength);
        if (!checksum.ContainsAnyExcept((byte)0) || ParseOctal(checksum) == 0)
        {
            _ended = true; // the reader's end of archive: it reads no further headers
            return;
        }
        byte type = _header[TypeAt];
        bool special = type is Pax or PaxGlobal or LongPath or LongLink;
        long size = ParseSize(_header.AsSpan(SizeAt, SizeLength));
        Dictionary<string, byte[]>? records = _pending;
        _pending = null;
        if (records is not null)
        {
            // The reader refuses metadata after an x header, before it reads any of its data.
            if (special) throw new InvalidDataException($"tar header of type {(char)type} follows an extended header");
            if (records.TryGetValue("size", out byte[]? paxSize) && paxSize.Length > 0) size = ParsePaxSize(paxSize);
        }
        if (special && size > SpecialLimit)
            throw new TarHeaderTooLargeException($"a tar header of type {(char)type} larger than 1 MiB ({size} bytes)");
        // An x after L or K is an entry of its own to the reader: its records apply to nothing.
        bool collect = type == Pax && _previousType is not (LongPath or LongLink);
        if (!special) EntryRecords = records;
        _previousType = type;
        _skip = size + Padding(size);
        _pax = collect ? new byte[size] : null;
        _mask = collect ? new PaxNewlineMask() : null;
        _paxFill = 0;
        FinishPaxIfRead();
    }

    private void FinishPaxIfRead()
    {
        if (_pax is null || _paxFill < _pax.Length) return;
        _pending = PaxRecords.Parse(_pax);
        _pax = null;
    }

    private static int Padding(long size) => (int)((Block - (size % Block)) % Block);

    /// <summary>The size field: octal, or GNU base-256 (a leading 0x80; 0xff is negative).</summary>
    private static long ParseSize(ReadOnlySpan<byte> field)
    {
        if (field[0] == Base256Negative) throw new InvalidDataException("tar header with a negative size");
        if (field[0] != Base256Positive) return ParseOctal(field);
        ReadOnlySpan<byte> digits = field[1..];
        if (digits[..^sizeof(long)].ContainsAnyExcept((byte)0)) throw new InvalidDataException("tar header size out of range");
        long value = BinaryPrimitives.ReadInt64BigEndian(digits[^sizeof(long)..]);
        return value >= 0 ? value : throw new InvalidDataException("tar header size out of range");
    }

    /// <summary>As the reader: up to the first NUL, spaces trimmed, digits 0-7.</summary>
    private static long ParseOctal(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        if (nul >= 0) field = field[..nul];
        field = field.Trim((byte)' ');
        long value = 0;
        foreach (byte b in field)
        {
            uint digit = (uint)(b - '0');
            if (digit >= 8) throw new InvalidDataException("tar header with an invalid number");
            if (value > (long.MaxValue - digit) / 8) throw new InvalidDataException("tar header number out of range");
            value = value * 8 + digit;
        }
        return value;
    }

    private static long ParsePaxSize(byte[] value)
    {
        if (!long.TryParse(System.Text.Encoding.UTF8.GetString(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out long size) || size < 0)
            throw new InvalidDataException("tar extended header with an invalid size");
        return size;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A tar metadata header (x, g, L, K) larger than <see cref="TarHeaderGuard.SpecialLimit"/>;
/// the message says which ("a tar header of type x larger than 1 MiB (N bytes)"). An
/// IOException (InvalidDataException is sealed): the readers of layers and archives catch it
/// by name, to say what was refused.</summary>
public sealed class TarHeaderTooLargeException : IOException
{
    public TarHeaderTooLargeException() { }

    public TarHeaderTooLargeException(string message) : base(message) { }

    public TarHeaderTooLargeException(string message, Exception inner) : base(message, inner) { }
}

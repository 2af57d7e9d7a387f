using System.IO.Compression;
using System.Security.Cryptography;

namespace PodUnits.Images.Unpack;

/// <summary>Opens a layer blob as a tar stream whatever its compression (gzip, zstd or
/// none, told by magic bytes rather than the media type, which docker-save archives and some
/// registries get wrong), hashing the uncompressed bytes on the way for the diff_id check.</summary>
internal static class LayerStreams
{
    public static HashingStream OpenTar(Stream blob)
    {
        var buffered = new BufferedStream(blob, 1 << 16);
        Span<byte> magic = stackalloc byte[4];
        int n = PeekInto(buffered, magic);
        Stream tar;
        if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            tar = new GZipStream(buffered, CompressionMode.Decompress);
        else if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
            tar = new ZstdSharp.DecompressionStream(buffered);
        else
            tar = buffered;
        return new HashingStream(tar);
    }

    private static int PeekInto(BufferedStream s, Span<byte> into)
    {
        // Layer blobs and archives are files (seekable): read the magic, then rewind.
        long start = s.Position;
        int n = s.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        s.Position = start;
        return n;
    }
}

/// <summary>A read-only stream that feeds every byte read through SHA-256.</summary>
internal sealed class HashingStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    /// <summary>Reads what is left (tar ends with padding the reader may not consume) and
    /// returns "sha256:HEX" of everything.</summary>
    public string FinishDigest()
    {
        byte[] buffer = new byte[1 << 16];
        while (Read(buffer, 0, buffer.Length) > 0) { }
        return "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (ZstdSharp.ZstdException e)
        {
            // ZstdSharp's own type, derived from Exception: said as GZipStream says a damaged
            // stream, so every reader's "not a layer" handling takes it (it was an internal
            // error naming no layer: images review of 2026-12-06, finding 3).
            throw new InvalidDataException($"zstd: {e.Message}", e);
        }
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) { inner.Dispose(); _hash.Dispose(); }
        base.Dispose(disposing);
    }
}

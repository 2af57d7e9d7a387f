namespace PodUnits.Images.Store;

/// <summary>A read-only pass-through over a seekable file (the unpacker peeks at magic bytes
/// and rewinds) that tells its report callback the position each time another
/// "every" bytes have been read: unpack progress for the progress display
/// and the executor's start-timeout extension.</summary>
internal sealed class ProgressStream : Stream
{
    private readonly Stream _inner;
    private readonly long _every;
    private readonly Action<long>? _report;
    private long _nextReport;

    public ProgressStream(Stream inner, long every, Action<long>? report)
    {
        _inner = inner;
        _every = every;
        _report = report;
        _nextReport = every;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        if (_report is not null && _inner.Position >= _nextReport)
        {
            _nextReport = _inner.Position + _every;
            _report(_inner.Position);
        }
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => _inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;
    public override long Position { get => _inner.Position; set => _inner.Position = value; }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

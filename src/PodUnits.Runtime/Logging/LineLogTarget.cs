namespace PodUnits.Runtime.Logging;

/// <summary>
/// A journal that takes a container stream line by line, split as podman's journald driver
/// splits it (<see cref="LineSplitter"/>: a long line becomes pieces marked partial, all but
/// its last; a run's or the stream's unterminated last line is a whole one, see
/// <see cref="Finish"/>). A subclass writes each piece and, after each chunk the forwarder
/// read, does what one chunk's worth of lines needs once (send the batch, wake readers).
/// </summary>
public abstract class LineLogTarget : LogTarget
{
    private readonly LineSplitter _splitter = new();
    private readonly LinePieceHandler _line;
    private long _handed;  // whole lines of the current chunk passed to Line
    private long _reached; // of those, how many the subclass said reached its journal

    protected LineLogTarget()
    {
        _line = Handed;
    }

    protected sealed override void Write(ReadOnlySpan<byte> chunk)
    {
        _handed = 0;
        _reached = 0;
        _splitter.Feed(chunk, _line);
        EndOfChunk();
    }

    protected sealed override long LinesReachedOfChunk => _reached;

    /// <summary>A subclass says every line it was given so far (this one too, when called
    /// from <see cref="Line"/>) is in its journal.</summary>
    protected void Reached() => _reached = _handed;

    private void Handed(ReadOnlySpan<byte> message, bool isPartial)
    {
        // Counted first: a Reached() inside this call covers the line it was called for.
        if (!isPartial)
        {
            _handed++;
        }
        Line(message, isPartial);
    }

    /// <summary>The stream's end ends its last line for good too: the pipe closes when the
    /// container's last run ends (with restartPolicy Never, an interactive pod, a pod's stop),
    /// often before the executor hears of the exit, and a piece marked partial was joined by
    /// `podunits logs` to the next pod run's first line ("ok" twice made "okok"; journal
    /// review of 2026-12-06, finding 1). podman's driver marks it partial, but each of its
    /// container instances has a CONTAINER_ID of its own; a PodUnits container's stays.</summary>
    protected sealed override void Finish()
    {
        _splitter.Flush(_line, partial: false);
        EndOfChunk();
    }

    /// <summary>The run's last line is whole: `podunits logs` joins partial pieces with the
    /// next entry of the stream, which would be the next run's first line.</summary>
    protected sealed override void EndOfRun()
    {
        _splitter.Flush(_line, partial: false);
        EndOfChunk();
    }

    /// <summary>After a failure the chunks are skipped until the journal is back: the line
    /// begun before it is not finished (review of 2026-12-05: "abc", an outage, then
    /// "def\n" made "abcdef").</summary>
    protected override void Reset() => _splitter.Discard();

    /// <summary>One line, or one piece of a line (<paramref name="isPartial"/>); valid only during the call.</summary>
    protected abstract void Line(ReadOnlySpan<byte> message, bool isPartial);

    /// <summary>The lines of one chunk (or the stream's end) have all been passed to <see cref="Line"/>.</summary>
    protected abstract void EndOfChunk();
}

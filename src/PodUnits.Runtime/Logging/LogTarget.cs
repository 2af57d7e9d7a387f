using PodUnits.Core.Errors;
using PodUnits.Core.Text;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// One journal a container stream goes to. The forwarder hands every chunk it reads to each
/// target in turn; a target that fails says so and is skipped, so one journal never holds
/// back or loses the others' lines. A failed journal is tried again after a delay
/// (<see cref="RetriesAfterFailure"/>): the host's journald once a second (`systemctl stop
/// systemd-journald` and a start later, sockets and all, must not cost every later line of
/// the pod: tour F), the pod's own files every 10 s (a full disk); the lines written while
/// it could not be reached are counted and said once it can be again.
/// </summary>
public abstract class LogTarget : IDisposable
{
    private bool _failed;
    private long _retryAt;
    private long _missedLines;

    /// <summary>Where the lines go, for the warnings.</summary>
    public abstract string Description { get; }

    /// <summary>Where this target's warnings go; stage 1's stderr unless set. The host
    /// journal's targets send them to the host journal by datagram: the executor's stderr
    /// is a stream journald closed when it stopped, and systemd does not open it again.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Whether a failed journal is tried again (the host's journald, which can be
    /// stopped and started again) rather than skipped for the rest of the stream.</summary>
    protected virtual bool RetriesAfterFailure => false;

    /// <summary>How long a failed journal is left alone before the next try.</summary>
    protected virtual TimeSpan RetryDelay => TimeSpan.FromSeconds(1);

    /// <summary>Passes a chunk of the container's output on; blocks while the journal is full.</summary>
    public void Deliver(ReadOnlySpan<byte> chunk)
    {
        if (_failed && (!RetriesAfterFailure || Environment.TickCount64 < _retryAt))
        {
            _missedLines += Lines(chunk);
            return;
        }
        if (Guard(this, chunk, static (target, data) => target.Write(data)))
        {
            Recovered();
        }
        else
        {
            // Lines of the chunk that got there before the failure are not lost (journal
            // review of 2026-12-06, finding 4: a batch sent before a failing one).
            _missedLines += Math.Max(0, Lines(chunk) - LinesReachedOfChunk);
        }
    }

    /// <summary>The stream ended: whatever is pending (an unterminated last line) goes out.</summary>
    public void Complete()
    {
        // A failed journal has nothing pending (Reset dropped it), and finishing sends
        // nothing then: taking that for a recovery would say "reachable again" of a journal
        // nobody tried (review of 2026-12-05).
        if (!_failed)
        {
            Guard(this, [], static (target, _) => target.Finish());
        }
        if (_failed && RetriesAfterFailure && _missedLines > 0)
        {
            (Warn ?? StageLog.Warning)($"journal {Description}: {Counted.Of(_missedLines, "line")} of this stream did not reach it");
        }
    }

    /// <summary>A run of the container ended (it restarts, or exited while the pod goes on):
    /// an unterminated last line goes out now, not glued to the next run's first.</summary>
    public void EndRun()
    {
        if (!_failed)
        {
            Guard(this, [], static (target, _) => target.EndOfRun());
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Write(ReadOnlySpan<byte> chunk);

    /// <summary>How many whole lines of the chunk <see cref="Write"/> was given reached the
    /// journal before it failed (none unless the target knows better).</summary>
    protected virtual long LinesReachedOfChunk => 0;

    protected virtual void Finish()
    {
    }

    /// <summary>What <see cref="EndRun"/> does: by default what the stream's end does.</summary>
    protected virtual void EndOfRun() => Finish();

    /// <summary>After a failure: drop what belongs to the broken attempt (a connection, a
    /// batch), so that the next try starts afresh.</summary>
    protected virtual void Reset()
    {
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private void Recovered()
    {
        if (!_failed)
        {
            return;
        }
        _failed = false;
        (Warn ?? StageLog.Warning)($"journal {Description}: reachable again; {Counted.Of(_missedLines, "line")} written meanwhile did not reach it");
        _missedLines = 0;
    }

    private static long Lines(ReadOnlySpan<byte> chunk) => chunk.Count((byte)'\n');

    private delegate void TargetCall(LogTarget target, ReadOnlySpan<byte> chunk);

    /// <summary>True when the call went through.</summary>
    private static bool Guard(LogTarget target, ReadOnlySpan<byte> chunk, TargetCall call)
    {
        try
        {
            call(target, chunk);
            return true;
        }
        catch (Exception e) when (e is PodUnitsException or IOException)
        {
            if (!target._failed)
            {
                (target.Warn ?? StageLog.Warning)(target.RetriesAfterFailure
                    ? $"journal {target.Description}: {e.Message}; trying again every {target.RetryDelay.TotalSeconds:0.#} s, its copy of the lines meanwhile is lost"
                    : $"journal {target.Description}: {e.Message}; its copy of these lines stops here");
            }
            target._failed = true;
            target._retryAt = Environment.TickCount64 + (long)target.RetryDelay.TotalMilliseconds;
            target.Reset();
            return false;
        }
    }
}

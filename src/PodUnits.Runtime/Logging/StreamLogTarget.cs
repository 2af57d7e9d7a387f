using Microsoft.Win32.SafeHandles;
using PodUnits.Journal;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// A container stream passed to a journald as it is, over journald's stream protocol (what
/// StandardOutput=journal uses): journald splits the lines itself, many per read, so a line
/// costs it far less than a datagram would (docs/benchmarks.md), and the bytes are copied
/// here without being parsed. Each entry gets MESSAGE, PRIORITY and SYSLOG_IDENTIFIER from
/// the stream and its other fields from the unit (LogExtraFields=) of the connecting process,
/// this executor. journald splits lines longer than its LineMax= and marks them and an
/// unterminated last line with _LINE_BREAK=.
/// The connection is made on the first chunk: the pod's journald listens only once the pod
/// is set up, and a container writes nothing before that.
/// </summary>
public sealed class StreamLogTarget : LogTarget
{
    private readonly Func<SafeFileHandle> _connect;
    private SafeFileHandle? _socket;
    private bool _unfinished;

    /// <param name="description">Names the journal in the one warning on failure.</param>
    /// <param name="connect">Opens the stream, header sent (JournalStream.OpenHandle).</param>
    public StreamLogTarget(string description, Func<SafeFileHandle> connect)
    {
        Description = description;
        _connect = connect;
    }

    public override string Description { get; }

    /// <summary>The host's journald: a stopped one is found again (<see cref="LogTarget"/>).</summary>
    protected override bool RetriesAfterFailure => true;

    protected override void Write(ReadOnlySpan<byte> chunk)
    {
        if (_socket is null)
        {
            _socket = _connect();
        }
        else
        {
            try
            {
                JournalStream.Write(_socket, chunk, Description);
                _unfinished = chunk.IsEmpty ? _unfinished : chunk[^1] != (byte)'\n';
                return;
            }
            catch (Exception e) when (e is PodUnits.Core.Errors.PodUnitsException or IOException)
            {
                // journald closed the stream: it was stopped (a restart keeps its streams in
                // its file descriptor store and closes none). While its socket unit stands, a
                // new connection reaches the journald it starts.
                Reset();
                _socket = _connect();
                JournalStream.Write(_socket, chunk, Description);
                _unfinished = chunk.IsEmpty ? _unfinished : chunk[^1] != (byte)'\n';
                // What the stopped journald had not read of the old connection went with it, in
                // the kernel: not a loss that can be counted, but not one to keep quiet about
                // either (journal review of 2026-12-06, finding 1). The chunk that met the closed
                // stream is sent again whole: a line twice rather than none.
                (Warn ?? StageLog.Warning)($"journal {Description}: journald closed the stream (was it stopped?); lines it had not read by then are not in it, "
                    + "and the last may appear twice; reconnected");
                return;
            }
        }
        JournalStream.Write(_socket, chunk, Description);
        _unfinished = chunk.IsEmpty ? _unfinished : chunk[^1] != (byte)'\n';
    }

    /// <summary>journald holds an unterminated line until the stream's end: closing the
    /// connection makes it write the line (_LINE_BREAK=eof); the next run's first chunk
    /// opens a new one.</summary>
    protected override void EndOfRun()
    {
        if (_unfinished)
        {
            Reset();
        }
    }

    protected override void Reset()
    {
        _unfinished = false;
        _socket?.Dispose();
        _socket = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket?.Dispose();
        }
        base.Dispose(disposing);
    }
}

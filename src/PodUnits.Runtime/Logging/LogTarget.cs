using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// One journal a container stream goes to. The forwarder hands every chunk it reads to each
/// target in turn; a target that fails (the pod's journald is gone at stop, the host's is
/// restarting) says so once on stderr and is skipped from then on, so one journal never
/// holds back or loses the others' lines.
/// </summary>
public abstract class LogTarget : IDisposable
{
    private bool _failed;

    /// <summary>Where the lines go, for the one warning on failure.</summary>
    public abstract string Description { get; }

    /// <summary>Passes a chunk of the container's output on; blocks while the journal is full.</summary>
    public void Deliver(ReadOnlySpan<byte> chunk)
    {
        if (!_failed)
        {
            Guard(this, chunk, static (target, data) => target.Write(data));
        }
    }

    /// <summary>The stream ended: whatever is pending (an unterminated last line) goes out.</summary>
    public void Complete()
    {
        if (!_failed)
        {
            Guard(this, [], static (target, _) => target.Finish());
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Write(ReadOnlySpan<byte> chunk);

    protected virtual void Finish()
    {
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private delegate void TargetCall(LogTarget target, ReadOnlySpan<byte> chunk);

    private static void Guard(LogTarget target, ReadOnlySpan<byte> chunk, TargetCall call)
    {
        try
        {
            call(target, chunk);
        }
        catch (Exception e) when (e is PodUnitsException or IOException)
        {
            target._failed = true;
            StageLog.Warning($"journal {target.Description}: {e.Message}; its copy of these lines stops here");
        }
    }
}

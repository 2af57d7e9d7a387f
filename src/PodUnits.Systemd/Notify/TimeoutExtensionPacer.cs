namespace PodUnits.Systemd.Notify;

/// <summary>
/// Decides when a long start-up step that makes progress (an image pull) should send
/// <c>EXTEND_TIMEOUT_USEC=</c> again: on progress, at most once per <see cref="Interval"/>.
/// Pure: the caller passes the time, so the pacing is testable without a clock. Safe to
/// call from several threads (a pull reports from parallel downloads).
/// </summary>
public sealed class TimeoutExtensionPacer
{
    private readonly Lock _lock = new();
    private TimeSpan? _lastSent;

    public TimeoutExtensionPacer(TimeSpan interval, TimeSpan extension)
    {
        // Each extension must outlast the wait for the next one, with room for a slow step.
        if (interval <= TimeSpan.Zero || extension <= interval)
            throw new ArgumentOutOfRangeException(nameof(extension), $"extension {extension} must be longer than the interval {interval} > 0");
        Interval = interval;
        Extension = extension;
    }

    /// <summary>The least time between two extensions.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How long each extension asks for.</summary>
    public TimeSpan Extension { get; }

    /// <summary>Progress happened at <paramref name="now"/> (any monotonic time base): true
    /// when an extension is due now, which is then taken as sent.</summary>
    public bool OnProgress(TimeSpan now)
    {
        lock (_lock)
        {
            if (_lastSent is { } last && now - last < Interval) return false;
            _lastSent = now;
            return true;
        }
    }
}

namespace PodUnits.Images.Progress;

/// <summary>
/// Beats while a blocking step that reports nothing runs: the fsync of a whole blob, the
/// syncfs after a layer is unpacked. Under pod@NAME.service the start's timeout is extended
/// on progress only (StartTimeoutExtender: 30 s at a time), and with gigabytes of a large
/// image's pages still dirty such a step on a slow disk can take longer than that; the
/// write-back is the pull's progress then.
/// </summary>
internal static class Heartbeat
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="work"/>, calling <paramref name="beat"/> every
    /// <paramref name="every"/> (<see cref="Interval"/>) from a timer's thread until it returns.</summary>
    public static void During(Action work, Action? beat, TimeSpan? every = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (beat is null)
        {
            work();
            return;
        }
        TimeSpan period = every ?? Interval;
        var timer = new Timer(_ => beat(), null, period, period);
        try
        {
            work();
        }
        finally
        {
            // No beat after the step: Dispose() alone leaves callbacks already queued to the
            // thread pool to run later (a starved pool ran several after the step had returned;
            // test review of 2026-12-06, finding 10). This one returns once none runs or will.
            using var stopped = new ManualResetEvent(false);
            if (timer.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }
    }
}

namespace PodUnits.Runtime.Health;

/// <summary>
/// Runs every probe of a pod from one timer queue: one task sleeps until the earliest probe
/// is due, starts it and goes back to sleep; a probe's completion records its outcome
/// (<see cref="ProbeWorker.Record"/>), reports it and schedules the next one periodSeconds
/// after the last was due (the kubelet's ticker). No thread or process per probe: a network
/// probe is a socket, an exec probe the one process it runs. The same probe never overlaps
/// itself: a probe slower than its period runs again when it is done. Times are on the
/// monotonic clock (<see cref="Now"/>): a step of the wall clock (NTP setting the time after
/// an autostarted pod began, an RTC kept in local time) must neither hold every probe back
/// for as long as the step nor run them all at once.
/// </summary>
public sealed class Prober : IDisposable
{
    private readonly object _lock = new();
    private readonly PriorityQueue<ProbeWorker, TimeSpan> _due = new();
    /// <summary>Every worker not done, waiting or running.</summary>
    private readonly HashSet<ProbeWorker> _active = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<ProbeWorker, CancellationToken, Task<ProbeOutcome>> _probe;
    private readonly Action<ProbeWorker, ProbeOutcome, ProbeRecorded> _report;
    private readonly Func<TimeSpan> _now;
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);
    private Task? _loop;

    /// <param name="probe">Runs one probe (the handlers of <see cref="ProbeRunner"/>); it
    /// enforces the probe's timeoutSeconds itself.</param>
    /// <param name="report">Hears every outcome with what it did to the probe, as it was
    /// then (the worker itself may have recorded its next outcome by the time the report is
    /// read); called on a pool thread, outside the lock.</param>
    public Prober(Func<ProbeWorker, CancellationToken, Task<ProbeOutcome>> probe, Action<ProbeWorker, ProbeOutcome, ProbeRecorded> report, Func<TimeSpan>? now = null)
    {
        _probe = probe;
        _report = report;
        _now = now ?? Now;
    }

    /// <summary>The monotonic clock's time (CLOCK_MONOTONIC), which probes are scheduled on.</summary>
    public static TimeSpan Now() => System.Diagnostics.Stopwatch.GetElapsedTime(0);

    /// <summary>Probes <paramref name="worker"/> from <paramref name="first"/> (<see cref="Now"/>'s
    /// clock) on: a container's start plus initialDelaySeconds, or now for probes held back
    /// by a startup probe.</summary>
    public void Add(ProbeWorker worker, TimeSpan first)
    {
        ArgumentNullException.ThrowIfNull(worker);
        lock (_lock)
        {
            _due.Enqueue(worker, first);
            _active.Add(worker);
            _loop ??= Task.Run(LoopAsync);
        }
        _wake.Release();
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // cancelled
        }
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task LoopAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            ProbeWorker? next = null;
            TimeSpan due = TimeSpan.MaxValue;
            // Decided once, under the lock: a second look at the clock outside it once ran a
            // probe it had not dequeued, which then ran again from the queue, and every such
            // race left one more probe chain running for good.
            bool runNow = false;
            lock (_lock)
            {
                while (_due.TryPeek(out ProbeWorker? w, out TimeSpan at))
                {
                    if (!w.Done)
                    {
                        (next, due) = (w, at);
                        break;
                    }
                    _due.Dequeue(); // cancelled while it waited
                }
                if (next is not null && due <= _now())
                {
                    _due.Dequeue();
                    runNow = true;
                }
            }
            try
            {
                if (next is null)
                {
                    await _wake.WaitAsync(stop).ConfigureAwait(false);
                }
                else if (runNow)
                {
                    _ = RunAsync(next, due, stop);
                }
                else
                {
                    // At most a day at a time, then look again: SemaphoreSlim takes at most
                    // int.MaxValue ms (24.8 days), and a probe due later (a huge initialDelaySeconds) threw
                    // out of this loop, which ended every probe of the pod without a word
                    // (health review of 2026-12-06, finding 8).
                    TimeSpan wait = due - _now();
                    wait = wait > MaxWait ? MaxWait : wait;
                    await _wake.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunAsync(ProbeWorker worker, TimeSpan due, CancellationToken stop)
    {
        ProbeOutcome outcome;
        try
        {
            outcome = await _probe(worker, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
#pragma warning disable CA1031 // a probe that throws has failed; the pod goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            outcome = new ProbeOutcome(false, e.Message);
        }
        ProbeRecorded recorded;
        lock (_lock)
        {
            if (worker.Done || stop.IsCancellationRequested)
            {
                return; // its container ended meanwhile: the outcome is about a process gone
            }
            recorded = worker.RecordOutcome(outcome.Success);
            if (worker.Done)
            {
                _active.Remove(worker);
            }
            else
            {
                TimeSpan next = due + TimeSpan.FromSeconds(worker.Plan.PeriodSeconds);
                _due.Enqueue(worker, next > _now() ? next : _now());
            }
        }
        _wake.Release();
        _report(worker, outcome, recorded);
    }

    /// <summary>Stops every probe of <paramref name="container"/> (its run ended), or of every
    /// container (null: the pod stops).</summary>
    public void Cancel(string? container)
    {
        lock (_lock)
        {
            foreach (ProbeWorker w in _active.Where(w => container is null || w.Container == container))
            {
                w.Cancel();
            }
            _active.RemoveWhere(w => w.Done);
        }
    }
}

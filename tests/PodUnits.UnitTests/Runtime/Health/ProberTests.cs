using System.Collections.Concurrent;
using PodUnits.Runtime.Health;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>The timer queue: probes run when due, every periodSeconds, never overlapping
/// themselves, and stop when their container's run is cancelled or they have decided.</summary>
public sealed class ProberTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AProbeRunsWhenDueAndAgainAfterItsPeriod()
    {
        var runs = new ConcurrentQueue<TimeSpan>();
        var reports = new BlockingCollection<(ProbeWorker, ProbeOutcome, ProbeRecorded)>();
        using var prober = new Prober((w, _) =>
        {
            runs.Enqueue(Prober.Now());
            return Task.FromResult(new ProbeOutcome(true, "ok"));
        }, (w, o, changed) => reports.Add((w, o, changed)));
        var worker = new ProbeWorker("web", 0, ProbeKind.Readiness, new ProbePlan { PeriodSeconds = 1 });
        TimeSpan added = Prober.Now();
        prober.Add(worker, added + TimeSpan.FromMilliseconds(300));

        Assert.True(reports.TryTake(out var first, Patience));
        Assert.True(first.Item3.Changed); // not ready -> ready
        Assert.Equal(true, first.Item3.Result);
        Assert.True(reports.TryTake(out var second, Patience));
        Assert.False(second.Item3.Changed);
        TimeSpan[] times = [.. runs];
        Assert.True(times[0] - added >= TimeSpan.FromMilliseconds(290), $"ran after {(times[0] - added).TotalMilliseconds} ms");
        // The next run is due one period after the previous one was due (the kubelet's ticker),
        // not after it ran: a late first run on a loaded machine makes the gap shorter, never
        // the second run early.
        Assert.True(times[1] - added >= TimeSpan.FromMilliseconds(1290), $"second run after {(times[1] - added).TotalMilliseconds} ms");
    }

    /// <summary>Health review of 2026-12-06, finding 9: a report is read later than it is made
    /// (the executor's loop takes it from a queue), by which time the probe's next run may
    /// have recorded its own outcome. The report carries the result as this outcome left it.</summary>
    [Fact]
    public void AReportSaysTheResultItsOutcomeLeftNotTheProbesLaterOne()
    {
        int runs = 0;
        var reports = new BlockingCollection<(bool Success, ProbeRecorded Recorded, bool? LiveResult)>();
        var worker = new ProbeWorker("web", 0, ProbeKind.Readiness, new ProbePlan { PeriodSeconds = 1, FailureThreshold = 1 });
        using var secondRecorded = new ManualResetEventSlim();
        using var prober = new Prober(async (_, _) =>
        {
            await Task.Yield(); // completes on a pool thread, as a real probe does, not the loop's
            return new ProbeOutcome(Interlocked.Increment(ref runs) == 1, "");
        }, (w, o, recorded) =>
        {
            if (!o.Success)
            {
                secondRecorded.Set();
                return;
            }
            // The first report is slow to be read: the second run has recorded its failure by then.
            Assert.True(secondRecorded.Wait(Patience));
            reports.Add((o.Success, recorded, w.Result));
        });
        prober.Add(worker, Prober.Now());
        Assert.True(reports.TryTake(out var first, Patience));
        Assert.True(first.Success);
        Assert.Equal(false, first.LiveResult); // the worker has moved on...
        Assert.Equal(new ProbeRecorded(true, true, 0), first.Recorded); // ...the report has not
    }

    /// <summary>Health review of 2026-12-06, finding 8: a probe due in 60 days (a huge
    /// initialDelaySeconds, "never") at the head of the queue made the loop's wait throw, and
    /// every probe of the pod stopped without a word. The probe due now still runs on.</summary>
    [Fact]
    public void AProbeDueInTwoMonthsDoesNotStopTheOthers()
    {
        var reports = new BlockingCollection<string>();
        // The probe takes a while, as a real one does: while it runs, the far one heads the queue.
        using var prober = new Prober(async (_, cancel) =>
        {
            await Task.Delay(50, cancel);
            return new ProbeOutcome(true, "ok");
        }, (w, _, _) => reports.Add(w.Container));
        prober.Add(new ProbeWorker("far", 0, ProbeKind.Liveness, new ProbePlan { PeriodSeconds = 1 }), Prober.Now() + TimeSpan.FromDays(60));
        prober.Add(new ProbeWorker("near", 0, ProbeKind.Readiness, new ProbePlan { PeriodSeconds = 1 }), Prober.Now());
        for (int i = 0; i < 3; i++)
        {
            Assert.True(reports.TryTake(out string? container, Patience), $"run {i + 1} of the near probe did not come");
            Assert.Equal("near", container);
        }
    }

    /// <summary>The clock turns between the loop's look at the queue and its decision: the
    /// probe must run once, not also a second time from the queue it was never taken out
    /// of (that race left one more probe chain for good; 50 pods saw checks/s creep up).</summary>
    [Fact]
    public void AProbeThatFallsDueWhileTheLoopDecidesRunsOnce()
    {
        TimeSpan due = TimeSpan.FromHours(1);
        int looks = 0;
        // The first look (under the lock) says "not yet"; every later one is past the due
        // time, and never reaches the next period, so one run is all there should be.
        TimeSpan Clock() => Interlocked.Increment(ref looks) == 1 ? due - TimeSpan.FromMilliseconds(1) : due + TimeSpan.FromMilliseconds(500);
        int runs = 0;
        var reports = new BlockingCollection<ProbeOutcome>();
        using var prober = new Prober((_, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult(new ProbeOutcome(true, "ok"));
        }, (_, o, _) => reports.Add(o), Clock);
        prober.Add(new ProbeWorker("web", 0, ProbeKind.Readiness, new ProbePlan { PeriodSeconds = 1 }), due);
        Assert.True(reports.TryTake(out _, Patience));
        Assert.False(reports.TryTake(out _, TimeSpan.FromSeconds(1)), "the probe ran a second time");
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ASlowProbeDoesNotOverlapItselfNorDelayOthers()
    {
        int running = 0, overlaps = 0;
        var fastRuns = new BlockingCollection<DateTime>();
        var slowDone = new TaskCompletionSource();
        using var prober = new Prober(async (w, cancel) =>
        {
            if (w.Container == "slow")
            {
                if (Interlocked.Increment(ref running) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }
                await Task.Delay(2500, cancel);
                Interlocked.Decrement(ref running);
                slowDone.TrySetResult();
            }
            else
            {
                fastRuns.Add(DateTime.UtcNow, CancellationToken.None);
            }
            return new ProbeOutcome(true, "");
        }, (_, _, _) => { });
        TimeSpan now = Prober.Now();
        prober.Add(new ProbeWorker("slow", 0, ProbeKind.Liveness, new ProbePlan { PeriodSeconds = 1 }), now);
        prober.Add(new ProbeWorker("fast", 0, ProbeKind.Liveness, new ProbePlan { PeriodSeconds = 1 }), now);
        Assert.True(fastRuns.TryTake(out _, Patience));
        Assert.True(fastRuns.TryTake(out _, Patience));
        Assert.True(fastRuns.TryTake(out _, Patience)); // three fast runs while the slow one is busy
        await slowDone.Task.WaitAsync(Patience);
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task CancellingAContainerStopsItsProbesEvenWhileOneRuns()
    {
        var started = new SemaphoreSlim(0);
        var release = new TaskCompletionSource<ProbeOutcome>();
        int reports = 0, runs = 0;
        using var prober = new Prober((w, _) =>
        {
            Interlocked.Increment(ref runs);
            started.Release();
            return release.Task;
        }, (_, _, _) => Interlocked.Increment(ref reports));
        prober.Add(new ProbeWorker("web", 0, ProbeKind.Liveness, new ProbePlan { PeriodSeconds = 1 }), Prober.Now());
        Assert.True(await started.WaitAsync(Patience));
        prober.Cancel("web");
        release.SetResult(new ProbeOutcome(false, "gone"));
        await Task.Delay(2500);
        Assert.Equal(0, Volatile.Read(ref reports)); // the outcome was about a run that ended
        Assert.Equal(1, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task AStartupProbeStopsOnceItPasses()
    {
        int runs = 0;
        var reports = new BlockingCollection<bool>();
        using var prober = new Prober((w, _) => Task.FromResult(new ProbeOutcome(Interlocked.Increment(ref runs) >= 2, "")),
            (w, o, recorded) => reports.Add(recorded.Changed));
        prober.Add(new ProbeWorker("web", 0, ProbeKind.Startup, new ProbePlan { PeriodSeconds = 1, FailureThreshold = 5 }), Prober.Now());
        Assert.True(reports.TryTake(out bool first, Patience));
        Assert.False(first);
        Assert.True(reports.TryTake(out bool second, Patience));
        Assert.True(second);
        Assert.False(reports.TryTake(out _, TimeSpan.FromSeconds(2.5)));
        Assert.Equal(2, Volatile.Read(ref runs));
    }
}

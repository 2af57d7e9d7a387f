using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.UnitTests.Systemd;

/// <summary>
/// The JobRemoved bookkeeping without a bus: a result may come before or after its waiter
/// registers, from another thread, and must reach it exactly once either way. (Against the
/// real systemd: tests/PodUnits.IntegrationTests/Systemd/JobWaitingTests.)
/// </summary>
public sealed class JobWaiterTests
{
    private static JobRemoved Removed(uint id, string result = "done") =>
        new(id, $"/org/freedesktop/systemd1/job/{id}", $"u{id}.scope", result);

    [Fact]
    public async Task AResultThatCameFirstIsHandedToTheLaterWaiter()
    {
        using JobWaiter waiter = JobWaiter.CreateDetached();
        waiter.Deliver(Removed(7, "failed"));

        JobRemoved got = await waiter.WaitAsync("/org/freedesktop/systemd1/job/7", CancellationToken.None);

        Assert.Equal("failed", got.Result);
        Assert.Equal(1, waiter.EarlyResults);
    }

    [Fact]
    public async Task AWaiterIsWokenByALaterResult()
    {
        using JobWaiter waiter = JobWaiter.CreateDetached();
        Task<JobRemoved> wait = waiter.WaitAsync("/org/freedesktop/systemd1/job/8", CancellationToken.None);
        waiter.Deliver(Removed(9)); // someone else's job
        Assert.False(wait.IsCompleted);

        waiter.Deliver(Removed(8));

        Assert.Equal(8u, (await wait.WaitAsync(TimeSpan.FromSeconds(5))).Id);
        Assert.Equal(0, waiter.EarlyResults);
    }

    [Fact]
    public async Task NoWakeUpIsLostWhenResultsAndWaitersRace()
    {
        using JobWaiter waiter = JobWaiter.CreateDetached();
        const int Jobs = 20_000;
        var waits = new Task<JobRemoved>[Jobs];
        using var start = new Barrier(2);
        var delivering = Task.Run(() =>
        {
            start.SignalAndWait();
            for (uint i = 0; i < Jobs; i++)
            {
                waiter.Deliver(Removed(i));
            }
        });
        var waiting = Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Jobs; i++)
            {
                waits[i] = waiter.WaitAsync($"/org/freedesktop/systemd1/job/{i}", CancellationToken.None);
            }
        });
        await Task.WhenAll(delivering, waiting);

        JobRemoved[] results = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, Jobs).Select(i => (uint)i), results.Select(r => r.Id));
    }

    [Fact]
    public async Task ALostConnectionFailsPendingAndLaterWaits()
    {
        var waiter = JobWaiter.CreateDetached();
        Task<JobRemoved> pending = waiter.WaitAsync("/org/freedesktop/systemd1/job/1", CancellationToken.None);

        waiter.FailAll(new SystemdCallException("system bus", "lost the connection"));

        await Assert.ThrowsAsync<SystemdCallException>(() => pending);
        await Assert.ThrowsAsync<SystemdCallException>(() => waiter.WaitAsync("/org/freedesktop/systemd1/job/2", CancellationToken.None));
        waiter.Dispose();
    }

    [Fact]
    public async Task ACanceledWaitStopsWaitingAndTheJobsResultIsNotMisdelivered()
    {
        using JobWaiter waiter = JobWaiter.CreateDetached();
        using var cancel = new CancellationTokenSource();
        Task<JobRemoved> wait = waiter.WaitAsync("/org/freedesktop/systemd1/job/3", cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        waiter.Deliver(Removed(3));
        Assert.Equal(3u, (await waiter.WaitAsync("/org/freedesktop/systemd1/job/3", CancellationToken.None)).Id);
    }
}

using System.Diagnostics;
using PodUnits.Systemd.Units;
using Xunit.Abstractions;

namespace PodUnits.IntegrationTests.Systemd;

/// <summary>
/// JobRemoved waiting under load: many jobs at once, most of which finish before their
/// StartTransientUnit reply is read. A lost wake-up would hang a wait until the timeout.
/// </summary>
public sealed class JobWaitingTests(ITestOutputHelper output)
{
    private const int Parallel = 50;

    [Fact]
    public async Task FiftyParallelScopeStartsAndStopsAllComplete()
    {
        await using TestUnits test = await TestUnits.StartAsync();
        var processes = Enumerable.Range(0, Parallel).Select(_ => test.Sleeper()).ToArray();
        string[] units = Enumerable.Range(0, Parallel).Select(i => test.UnitName($"p{i}")).ToArray();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(units.Select((unit, i) => test.Systemd.StartTransientScopeAsync(unit, [(uint)processes[i].Id],
            new TransientUnitProperties { CollectMode = CollectMode.InactiveOrFailed }, timeout.Token)));
        TimeSpan started = clock.Elapsed;

        foreach (string unit in units)
        {
            Assert.Equal("active", (await test.Systemd.GetUnitStatusAsync(unit))?.ActiveState);
        }

        clock.Restart();
        await Task.WhenAll(units.Select(unit => test.Systemd.StopUnitAsync(unit, timeout.Token)));
        Assert.False(timeout.IsCancellationRequested);
        Assert.All(processes, p => Assert.True(p.WaitForExit(5000)));
        output.WriteLine($"{Parallel} scope starts: {started.TotalMilliseconds:F0} ms, stops: {clock.Elapsed.TotalMilliseconds:F0} ms; "
            + $"{test.Systemd.JobsFinishedBeforeReply} of {2 * Parallel} jobs finished before their call returned");
    }

    [Fact]
    public async Task TwoManagersOnTheSameBusEachSeeTheirOwnJobs()
    {
        await using TestUnits a = await TestUnits.StartAsync();
        await using TestUnits b = await TestUnits.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task[] starts = Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            a.Systemd.StartTransientScopeAsync(a.UnitName($"a{i}"), [(uint)a.Sleeper().Id], new TransientUnitProperties(), timeout.Token),
            b.Systemd.StartTransientScopeAsync(b.UnitName($"b{i}"), [(uint)b.Sleeper().Id], new TransientUnitProperties(), timeout.Token),
        }).ToArray();
        await Task.WhenAll(starts);
        Assert.All(starts, t => Assert.True(t.IsCompletedSuccessfully));
    }
}

using System.Runtime.InteropServices;
using PodUnits.Cli;
using PodUnits.Planning;
using PodUnits.Runtime.Executor;

namespace PodUnits.UnitTests.Runtime;

/// <summary>CLI review of 2026-12-07, finding 1: Ctrl-\ (SIGQUIT, which a terminal sends the
/// foreground job as it sends Ctrl-C's SIGINT) ended `run -i`'s executor, stage 0 during a
/// pull, `image export` and `auto-update` by its default action, leaving their clean-up to gc.
/// Each handles it as its other stop signals. (The signals themselves: the integration tests
/// InteractiveTests.AQuitGoesToTheCommandAndThePodIsReleased and InterruptedPullTests.)</summary>
public sealed class QuitSignalTests
{
    [Fact]
    public void TheClisCleanUpVerbsAreInterruptedByAQuitAsByTheOtherStopSignals() =>
        Assert.Equal([PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT], InterruptSignals.Signals);

    [Fact]
    public void AQuitDuringThePullStopsStageZeroAsTheOtherStopSignals() =>
        Assert.Equal([(PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3)], Stage0.StopSignals);

    [Theory]
    [InlineData(PosixSignal.SIGINT, 2)]
    [InlineData(PosixSignal.SIGHUP, 1)]
    [InlineData(PosixSignal.SIGTERM, 15)]
    [InlineData(PosixSignal.SIGQUIT, 3)]
    public void AnInteractivePodStoppedByAQuitEnds131(PosixSignal signal, int number) =>
        Assert.Equal(number, PodExecutor.StopSignalNumber(signal));
}

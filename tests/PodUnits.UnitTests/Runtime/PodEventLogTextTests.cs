using PodUnits.Runtime.Executor;

namespace PodUnits.UnitTests.Runtime;

/// <summary>How READY's message and STATUS= count a pod's containers.</summary>
public sealed class PodEventLogTextTests
{
    [Fact]
    public void AllRunningIsTheCountAlone() => Assert.Equal("2 containers", PodEventLog.Running(2, 2));

    [Fact]
    public void FewerRunningSaysOfHowMany() => Assert.Equal("1 of 2 containers", PodEventLog.Running(1, 2));
}

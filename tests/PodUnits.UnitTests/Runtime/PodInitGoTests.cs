using PodUnits.Runtime.Init;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The pod init's rule for the executor's "go C PID" (docs/process-model.md, "Control
/// protocol"): only the run waiting for it execs, and none once the pod stops, even when the
/// "go" was sent before the executor heard of the stop (lifecycle review of 2026-12-07,
/// finding 5).</summary>
public sealed class PodInitGoTests
{
    [Theory]
    [InlineData(false, false, 7, 7, true)]    // the run it is for, the pod running
    [InlineData(true, false, 7, 7, false)]    // a stop was asked for: the run gives up at FinishStop
    [InlineData(false, true, 7, 7, false)]    // the pod finishes (its last container ended, a poweroff)
    [InlineData(true, true, 7, 7, false)]
    [InlineData(false, false, 9, 7, false)]   // meant for a run that died: the next is not in its scope yet
    [InlineData(false, false, null, 7, false)] // no run waits (it ended, or was let go already)
    public void OnlyTheWaitingRunOfARunningPodIsLetGo(bool stopRequested, bool finishing, int? waitingPid, int pid, bool expected) =>
        Assert.Equal(expected, PodInit.ShouldLetGo(stopRequested, finishing, waitingPid, pid));
}

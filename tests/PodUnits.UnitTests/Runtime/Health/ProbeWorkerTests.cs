using PodUnits.Runtime.Health;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>The kubelet's result rule for one probe: thresholds, initial results, when a
/// probe is done.</summary>
public sealed class ProbeWorkerTests
{
    private static ProbeWorker Worker(ProbeKind kind, int success = 1, int failure = 3) =>
        new("web", 0, kind, new ProbePlan { SuccessThreshold = success, FailureThreshold = failure });

    [Fact]
    public void ReadinessStartsNotReadyAndNeedsSuccessThresholdSuccessesInARow()
    {
        ProbeWorker w = Worker(ProbeKind.Readiness, success: 2, failure: 2);
        Assert.False(w.Result);
        Assert.False(w.Record(true));
        Assert.False(w.Record(false)); // the run of successes starts over
        Assert.False(w.Record(true));
        Assert.True(w.Record(true));
        Assert.True(w.Result);
        Assert.False(w.Record(false));
        Assert.True(w.Record(false));
        Assert.False(w.Result);
        Assert.False(w.Done); // readiness probes go on for the whole run
    }

    [Fact]
    public void LivenessFailsAfterFailureThresholdFailuresInARowAndIsDone()
    {
        ProbeWorker w = Worker(ProbeKind.Liveness, failure: 3);
        Assert.True(w.Result);
        Assert.False(w.Record(false));
        Assert.False(w.Record(false));
        Assert.False(w.Record(true)); // a success resets the count
        Assert.Equal(0, w.ConsecutiveFailures);
        Assert.False(w.Record(false));
        Assert.False(w.Record(false));
        Assert.True(w.Record(false));
        Assert.Equal(3, w.ConsecutiveFailures);
        Assert.False(w.Result);
        Assert.True(w.Done);
    }

    [Fact]
    public void StartupIsUnknownUntilItDecidesEitherWay()
    {
        ProbeWorker passes = Worker(ProbeKind.Startup, failure: 30);
        Assert.Null(passes.Result);
        Assert.False(passes.Record(false));
        Assert.True(passes.Record(true));
        Assert.True(passes.Done);

        ProbeWorker fails = Worker(ProbeKind.Startup, failure: 2);
        Assert.False(fails.Record(false));
        Assert.True(fails.Record(false));
        Assert.False(fails.Result);
        Assert.True(fails.Done);
    }
}

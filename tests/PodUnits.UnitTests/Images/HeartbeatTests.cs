using PodUnits.Images.Progress;

namespace PodUnits.UnitTests.Images;

/// <summary>Review of 2026-12-06: a blob's fsync and a layer's syncfs reported nothing, and a
/// long one let the start's timeout (extended on progress only) run out mid-pull.</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public void ABlockingStepBeatsUntilItReturnsAndNotAfter()
    {
        int beats = 0;
        using var twice = new ManualResetEventSlim(false);
        Heartbeat.During(() => Assert.True(twice.Wait(TimeSpan.FromSeconds(30)), "no beat while the step blocked"),
            () => { if (Interlocked.Increment(ref beats) >= 2) twice.Set(); }, TimeSpan.FromMilliseconds(20));
        int after = Volatile.Read(ref beats);
        Thread.Sleep(200);
        Assert.Equal(after, Volatile.Read(ref beats)); // none after the step returned, not even one on its way
    }

    [Fact]
    public void WithoutAListenerTheStepJustRuns()
    {
        bool ran = false;
        Heartbeat.During(() => ran = true, null);
        Assert.True(ran);
    }
}

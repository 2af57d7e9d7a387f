using PodUnits.Runtime.Init;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The kubelet's crash-loop back-off and restart rule, as the pod init applies them.</summary>
public sealed class RestartBackOffTests
{
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ACrashLoopWaitsZeroThenTenDoublingToFiveMinutes()
    {
        var backOff = new RestartBackOff();
        DateTime now = T0;
        var delays = new List<double>();
        for (int i = 0; i < 9; i++)
        {
            TimeSpan delay = backOff.DelayAfter(now, now.AddSeconds(1));
            delays.Add(delay.TotalSeconds);
            now = now.AddSeconds(1) + delay;
        }
        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300, 300], delays);
    }

    [Fact]
    public void TenMinutesOfRunningResetsTheBackOff()
    {
        var backOff = new RestartBackOff();
        backOff.DelayAfter(T0, T0.AddSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(10), backOff.DelayAfter(T0.AddSeconds(1), T0.AddSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(20), backOff.DelayAfter(T0.AddSeconds(12), T0.AddMinutes(9)));
        Assert.Equal(TimeSpan.Zero, backOff.DelayAfter(T0.AddMinutes(10), T0.AddMinutes(20).AddSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(10), backOff.DelayAfter(T0.AddMinutes(21), T0.AddMinutes(21).AddSeconds(1)));
    }

    [Theory]
    [InlineData(ContainerRestart.Always, 0, false, true)]
    [InlineData(ContainerRestart.Always, 1, false, true)]
    [InlineData(ContainerRestart.OnFailure, 0, false, false)]
    [InlineData(ContainerRestart.OnFailure, 2, false, true)]
    [InlineData(ContainerRestart.OnFailure, 0, true, true)] // killed for its liveness probe, exited 0 on SIGTERM
    [InlineData(ContainerRestart.Never, 1, false, false)]
    [InlineData(ContainerRestart.Never, 143, true, false)]
    public void RestartFollowsThePolicy(ContainerRestart policy, int code, bool killedByProbe, bool restarts) =>
        Assert.Equal(restarts, RestartBackOff.ShouldRestart(policy, code, killedByProbe));
}

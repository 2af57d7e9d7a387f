using PodUnits.Cli.Commands;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Cli;

/// <summary>`podunits stop` of a pod it stops itself waits as long as the pod's executor may
/// take (the grace period and each sidecar's turn), not a fixed time a long grace period exceeds.</summary>
public sealed class StopWaitTests
{
    private static PodPlan Plan(int grace, int sidecars) => new()
    {
        Name = "web",
        Hostname = "web",
        MachineId = "0123456789abcdef0123456789abcdef",
        StateDir = "/var/lib/podunits/pods/web",
        TerminationGracePeriodSeconds = grace,
        Containers =
        [
            .. Enumerable.Range(0, sidecars).Select(i => new ContainerPlan { Name = $"s{i}", LowerDir = "/l", LayerDir = "/d", Sidecar = true }),
            new ContainerPlan { Name = "app", LowerDir = "/l", LayerDir = "/d" },
        ],
    };

    [Theory]
    [InlineData(60, 0, 60 + 15 + 5)]
    [InlineData(30, 2, 30 + 15 + 8 + 5)]
    [InlineData(0, 0, 15 + 5)]
    public void ItWaitsThePodsOwnStopTimeout(int grace, int sidecars, int expected) =>
        Assert.Equal(expected, AdHocPods.StopWaitSeconds(Plan(grace, sidecars)));

    [Fact]
    public void WithoutARunningPlanItWaitsTheDefaultGracePeriodsTimeout() =>
        Assert.Equal(30 + 15 + 5, AdHocPods.StopWaitSeconds(null));

    [Fact]
    public void ThePlansTimeoutIsTheOneItsScopeGets() =>
        Assert.Equal(PodUnits.Core.Timing.ExecutorStop.TimeoutSeconds(45, 1), Plan(45, 1).StopTimeoutSeconds());
}

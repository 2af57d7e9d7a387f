using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The depth that orders a container's mounts, and puts the pod's /etc files after a
/// volume at /etc (confinement review of 2026-12-07, finding 8).</summary>
public sealed class MountDepthTests
{
    [Theory]
    [InlineData("/etc", 1)]
    [InlineData("/etc/", 1)]
    [InlineData("/etc/hosts", 2)]
    [InlineData("/./etc//hosts", 2)]
    [InlineData("/data/db", 2)]
    public void DepthCountsTheNamesOfTheTarget(string target, int depth) => Assert.Equal(depth, MountPlan.DepthOf(target));
}

using PodUnits.Runtime.Executor;
using Xunit;

namespace PodUnits.UnitTests.Runtime;

/// <summary>
/// Every stage 1 verb that holds a pod's values is made non-dumpable (docs/configuration.md,
/// "Secrets"). container-start reads the whole plan and container-exec its container's part:
/// both were left dumpable, and a crash of either wrote every Secret of the pod into a core
/// dump on disk (config review of 2026-12-07, finding 3).
/// </summary>
public class Stage1DumpableTests
{
    [Theory]
    [InlineData("run", "/run/podunits/x/plan.json", "3")]
    [InlineData("pod-init", "/run/podunits/x/plan.json")]
    [InlineData("container-start", "/run/plan.json", "main")]
    [InlineData("container-exec", "/proc/self/fd/7", "main", "0", "--", "sh")]
    public void AVerbThatHoldsValuesIsNotDumpable(params string[] args) => Assert.True(Stage1.HoldsValues(args));

    [Theory]
    [InlineData]
    [InlineData("--help")]
    public void UsageHoldsNothing(params string[] args) => Assert.False(Stage1.HoldsValues(args));
}

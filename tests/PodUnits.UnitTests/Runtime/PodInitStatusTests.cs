using PodUnits.Runtime.Init;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The pod init's pure rule for the pod's exit status (docs/process-model.md, "Stop
/// and exit status"): the first failing container in plan order, init containers first; a
/// stop's SIGTERM is no failure; a container that never ran counts as nothing.</summary>
public sealed class PodInitStatusTests
{
    private static readonly string[] Order = ["init", "web", "db"];

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("web=0 db=0", "", 0)]
    [InlineData("web=0 db=3", "", 3)]
    [InlineData("web=137 db=3", "", 137)]            // plan order, not the order they ended in
    [InlineData("init=1", "", 1)]                    // a failed init container, the others never ran
    [InlineData("web=143 db=0", "web", 0)]              // SIGTERM from a stop is how a stop ends
    [InlineData("web=143 db=0", "", 143)]               // a SIGTERM nobody asked for is a failure
    [InlineData("web=143 db=137", "web db", 137)]       // SIGKILL after the grace period is not
    [InlineData("web=143 db=143", "db", 143)]           // web's SIGTERM (a probe's kill) came before the stop
    public void TheFirstFailingContainerInPlanOrderSetsTheStatus(string codes, string endedByStop, int expected)
    {
        var exitCodes = codes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, PodInit.PodExitCode(Order, exitCodes, endedByStop.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()));
    }
}

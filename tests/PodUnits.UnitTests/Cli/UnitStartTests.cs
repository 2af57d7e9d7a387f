using PodUnits.Cli;

namespace PodUnits.UnitTests.Cli;

/// <summary>Only pod@.service's exact command line, `run NAME` with a valid pod name, skips
/// the command tree; every other form is parsed by System.CommandLine as before.</summary>
public sealed class UnitStartTests
{
    [Theory]
    [InlineData("run", "web")]
    [InlineData("run", "a")]
    [InlineData("run", "my-pod-2")]
    public void TheUnitsCommandLineGoesStraightToStage0(params string[] args) =>
        Assert.True(UnitStart.Matches(args));

    [Theory]
    [InlineData("run", "--help")]
    [InlineData("run", "-h")]
    [InlineData("run", "web.yaml")]
    [InlineData("run", "./web")]
    [InlineData("run", "Web")]
    [InlineData("run", "-web")]
    [InlineData("run", "")]
    [InlineData("run", "web", "extra")]
    [InlineData("run", "-i", "busybox")]
    [InlineData("--verbose", "run", "web")]
    [InlineData("status", "web")]
    [InlineData("run")]
    public void EveryOtherFormIsParsedAsBefore(params string[] args) =>
        Assert.False(UnitStart.Matches(args));
}

using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>
/// Where podunits' output goes away (tour F): a reader that exits ends `logs -f` as it ends
/// journalctl -f, a closed stdout is nothing to complain about (as .NET's console and
/// coreutils treat it), and a full one is the output's failure, not an internal error.
/// </summary>
public sealed class OutputEndTests
{
    private const string Podunits = "/usr/bin/podunits";

    [Fact]
    public void LogsFollowEndsWhenItsReaderHasGoneWhileThePodRuns()
    {
        const string name = "cli-tick";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "trap 'exit 0' TERM; while true; do echo tick; sleep 0.2; done"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("tick")), pod.UnitJournalText());
        // timeout's 124 would mean it followed on for a reader that was gone.
        var first = PodHarness.Run("bash", "-c", $"timeout 60 {Podunits} logs -f -c main {name} | head -1; echo \"rc=${{PIPESTATUS[0]}}\"");
        Assert.Equal("tick\nrc=0", first.Output.Trim());
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    [Fact]
    public void AClosedStdoutIsNoErrorAndAFullOneIsTheOutputsFailure()
    {
        var closed = PodHarness.Run("bash", "-c", $"{Podunits} version >&-; echo \"rc=$?\"");
        Assert.Equal("rc=0", closed.Output.Trim());
        var full = PodHarness.Run("bash", "-c", $"{Podunits} version > /dev/full; echo \"rc=$?\"");
        Assert.Contains("rc=1", full.Output, StringComparison.Ordinal);
        Assert.Contains("podunits: standard output: No space left on device\n", full.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", full.Output, StringComparison.Ordinal);
    }
}

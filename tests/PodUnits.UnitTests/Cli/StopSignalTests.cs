using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Cli;

/// <summary>CLI review of 2026-12-07, finding 2: `podunits stop` of a `run -i` suspended by
/// Ctrl-Z left its SIGTERM pending until `fg`: it waited its whole timeout, then failed.</summary>
public sealed class StopSignalTests
{
    [Fact]
    public void AStoppedExecutorIsContinuedToActOnItsSigterm()
    {
        // A process that handles SIGTERM, as the executor does: the kernel kills a stopped
        // task at once for a signal whose action is the default, so `sleep` would end without
        // the SIGCONT too (review of the merged CLI change, 2026-12-07).
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", "trap 'exit 7' TERM; echo trapped; while :; do sleep 0.1; done"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            // Stopped before its trap is set, it would die of the SIGTERM's default action.
            Assert.Equal("trapped", sleeper.StandardOutput.ReadLine());
            Assert.Equal(0, Tmds.Linux.LibC.kill(sleeper.Id, Tmds.Linux.LibC.SIGSTOP));
            Assert.True(SpinWait.SpinUntil(() => File.ReadAllText($"/proc/{sleeper.Id}/stat").Split(") ")[1].StartsWith('T'), 5_000), "not stopped");
            Assert.True(AdHocPods.SignalStop(sleeper.Id));
            Assert.True(sleeper.WaitForExit(5_000), "the SIGTERM stayed pending");
            Assert.Equal(7, sleeper.ExitCode);
        }
        finally
        {
            if (!sleeper.HasExited)
            {
                sleeper.Kill();
            }
        }
    }

    [Fact]
    public void NoSuchExecutorIsFalse() => Assert.False(AdHocPods.SignalStop(int.MaxValue));
}

using PodUnits.Cli.Inspection;

namespace PodUnits.UnitTests.Cli;

/// <summary>`podunits status`'s line per container: what a running container that is not
/// started yet waits for (Kubernetes' started covers the postStart hook and the startup
/// probe), as kubectl describe would say it.</summary>
public sealed class HealthLineTests
{
    private static ContainerHealthReport Running(bool started, bool postStartDone = true, string? killedBy = null) =>
        new("running", Ready: false, started, Restarts: 0, StartedAt: null, RestartAt: null, LastExitCode: null, LastExitReason: null,
            LastProbe: null, PostStartDone: postStartDone, KilledBy: killedBy);

    [Fact]
    public void AContainerInItsPostStartHookIsSaidToBeThereNotWaitingForAStartupProbe()
    {
        Assert.Equal("running, postStart hook running, not ready, 0 restarts", PodReportText.HealthLine(Running(started: false, postStartDone: false)));
    }

    [Fact]
    public void AContainerPastItsHookWaitsForItsStartupProbe()
    {
        Assert.Equal("running, startup probe pending, not ready, 0 restarts", PodReportText.HealthLine(Running(started: false)));
        Assert.Equal("running, not ready, 0 restarts", PodReportText.HealthLine(Running(started: true)));
    }

    [Fact]
    public void AContainerBeingKilledSaysWhy()
    {
        Assert.Equal("running, being killed (postStart hook failed), not ready, 0 restarts",
            PodReportText.HealthLine(Running(started: false, postStartDone: false, killedBy: "postStart hook failed")));
    }

    [Fact]
    public void StatusFilesOfAnEarlierVersionReadAsPastTheHook()
    {
        // containers.json written before postStartDone existed: no claim about a hook.
        Assert.Equal("running, startup probe pending, not ready, 0 restarts", PodReportText.HealthLine(new("running", false, false, 0, null, null, null, null, null)));
    }

    [Fact]
    public void ARestartWaitingOutItsBackOffSaysHowLongIsLeft()
    {
        var now = new DateTime(2026, 12, 5, 10, 18, 19, DateTimeKind.Utc);
        ContainerHealthReport waiting = new("restarting", false, false, 2, null, "2026-12-05T10:18:31.3602624Z", 2, "Error", null);
        string at = new DateTime(2026, 12, 5, 10, 18, 31, DateTimeKind.Utc).ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"restarting in 13 s, at {at}, not ready, 2 restarts, last exit 2 (Error)", PodReportText.HealthLine(waiting, now));
        Assert.StartsWith("restarting now", PodReportText.HealthLine(waiting, now.AddMinutes(1)), StringComparison.Ordinal);
    }
}

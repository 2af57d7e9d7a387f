using PodUnits.Cli.Inspection;

namespace PodUnits.UnitTests.Cli;

/// <summary>systemd's Result= and ExecMainCode/ExecMainStatus in words, for `status`.</summary>
public sealed class UnitFailureTests
{
    private const string Unit = "pod@web.service";

    [Theory]
    [InlineData("signal", 2, 9, "the executor was killed by SIGKILL")]
    [InlineData("core-dump", 3, 11, "the executor was killed by SIGSEGV and dumped core")]
    [InlineData("signal", 2, 40, "the executor was killed by signal 40")]
    [InlineData("signal", 0, 0, "the executor was killed by a signal")]
    [InlineData("exit-code", 1, 125, "the pod ended with exit status 125")]
    [InlineData("oom-kill", 1, 137, "the kernel's OOM killer killed one of its processes")]
    [InlineData("start-limit-hit", 0, 0, "it was started too often in a short time (StartLimitBurst=); 'systemctl reset-failed pod@web.service' allows a start again")]
    [InlineData("something-new", 0, 0, "systemd's result is 'something-new'")]
    public void EachResultIsASentence(string result, int code, int status, string expected) =>
        Assert.Equal(expected, UnitFailure.Describe(Unit, result, code, status));

    [Theory]
    [InlineData("stopping before it was ready, waiting for app: readiness probe failed: connection refused",
        "it was not ready within its start timeout (TimeoutStartSec=); the status line says what it waited for")]
    [InlineData("stopping", "it did not stop within its stop timeout (TimeoutStopSec=)")]
    [InlineData(null, "it did not start or stop in time (TimeoutStartSec=, TimeoutStopSec=)")]
    public void ATimeoutSaysWhichOneFromTheExecutorsLastStatus(string? statusText, string expected) =>
        Assert.Equal(expected, UnitFailure.Describe(Unit, "timeout", 1, 0, statusText));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("success")]
    public void ASuccessIsNoFailure(string? result) => Assert.Null(UnitFailure.Describe(Unit, result, 1, 0));
}

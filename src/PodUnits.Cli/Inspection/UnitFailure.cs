using System.Globalization;

namespace PodUnits.Cli.Inspection;

/// <summary>
/// Why systemd says a pod's unit failed, in words: its Result= with what the executor's
/// ExecMainCode/ExecMainStatus say (systemctl status's "Active: failed (Result: signal)" and
/// "Main PID: 123 (code=killed, signal=KILL)"). An executor that was killed cannot leave a
/// "failed: WHY" of its own, so without this `status` showed a failed pod and no reason
/// (tour F).
/// </summary>
internal static class UnitFailure
{
    private const int Exited = 1, Killed = 2, Dumped = 3; // CLD_* in ExecMainCode

    private static readonly string[] SignalNames =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>The sentence for a unit whose Result is not "success"; null when it is (or unknown).</summary>
    /// <param name="unit">The unit's name, for the command that lets it start again.</param>
    /// <param name="statusText">The executor's last STATUS=, which tells a start's timeout
    /// (it was stopped before READY) from a stop's (it was stopping after it).</param>
    public static string? Describe(string unit, string? result, int execMainCode, int execMainStatus, string? statusText = null) => result switch
    {
        null or "" or "success" => null,
        "signal" or "core-dump" => execMainCode is Killed or Dumped
            ? $"the executor was killed by {Signal(execMainStatus)}{(execMainCode == Dumped ? " and dumped core" : "")}"
            : "the executor was killed by a signal",
        // The executor exits with the pod's status, a container's as often as its own
        // (`podunits run` documents which): not "the executor" then (tour G).
        "exit-code" => execMainCode == Exited
            ? $"the pod ended with exit status {execMainStatus.ToString(CultureInfo.InvariantCulture)}"
            : "the pod ended with a failure status",
        "timeout" when statusText?.StartsWith(Runtime.Executor.PodExecutor.StoppingBeforeReady, StringComparison.Ordinal) == true =>
            "it was not ready within its start timeout (TimeoutStartSec=); the status line says what it waited for",
        "timeout" when statusText == "stopping" => "it did not stop within its stop timeout (TimeoutStopSec=)",
        "timeout" => "it did not start or stop in time (TimeoutStartSec=, TimeoutStopSec=)",
        "watchdog" => "its watchdog timed out (WatchdogSec=)",
        "oom-kill" => "the kernel's OOM killer killed one of its processes",
        "start-limit-hit" => $"it was started too often in a short time (StartLimitBurst=); 'systemctl reset-failed {unit}' allows a start again",
        "resources" => $"systemd could not set up what it needs ('journalctl -u {unit}' says what)",
        "protocol" => "the executor broke the service protocol (no READY=1 from a Type=notify service)",
        _ => $"systemd's result is '{result}'",
    };

    /// <summary>"SIGKILL", or "signal 42" for one without a classic name (realtime signals).</summary>
    public static string Signal(int number) =>
        number > 0 && number < SignalNames.Length ? "SIG" + SignalNames[number] : $"signal {number.ToString(CultureInfo.InvariantCulture)}";
}

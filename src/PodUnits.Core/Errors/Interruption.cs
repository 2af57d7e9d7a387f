namespace PodUnits.Core.Errors;

/// <summary>
/// Whether a stop signal (Ctrl-C, SIGTERM, SIGHUP) reached one of the handlers a command
/// installs for its clean-up (the CLI's InterruptSignals, stage 0's pull). The CLI leaves
/// every other verb's signals to their default action, so a cancellation with no signal
/// noted here is a timeout inside .NET's HTTP stack (a connect timeout, HttpClient.Timeout)
/// and not the "interrupted", exit 130, that means Ctrl-C (CLI review of 2026-12-06,
/// finding 2).
/// </summary>
public static class Interruption
{
    private static int _signalled;

    public static bool Signalled => Volatile.Read(ref _signalled) != 0;

    public static void Note() => Volatile.Write(ref _signalled, 1);
}

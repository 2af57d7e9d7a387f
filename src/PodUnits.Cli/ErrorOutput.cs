using PodUnits.Core.Errors;
using PodUnits.Logging;
using PodUnits.Systemd.Notify;

namespace PodUnits.Cli;

/// <summary>
/// Reports what ends a command, the one way the CLI promises: one line, <c>podunits: WHAT:
/// WHY</c>, the stack trace only with --verbose. It goes through PodUnits' log (PodLog), so
/// on a terminal or a pipe it is that line on stderr, and under systemd (stage 0 of
/// pod@NAME.service, ExecReload=) a journal entry with priority err, the source location
/// and the exception's whole text.
/// </summary>
internal static class ErrorOutput
{
    public static void Report(PodUnitsException e)
    {
        PodLog.Error(e.Message, exception: e);
        TellServiceManager(e.Message);
    }

    public static void ReportUnexpected(Exception e)
    {
        string firstLine = e.Message.Split('\n')[0];
        PodLog.Error($"internal error: {firstLine} (run with --verbose for details)", exception: e);
        TellServiceManager($"internal error: {firstLine}");
    }

    /// <summary>Stage 0 of pod@NAME.service: the unit's status line (systemctl status) says
    /// why the start failed, not what it was doing then ("resolving image X"). A no-op
    /// without $NOTIFY_SOCKET; systemd ignores it from anything but a service's main process.</summary>
    private static void TellServiceManager(string message) => SdNotify.Default.TryFinalFailure(message);

    /// <summary>Bad usage: one line per problem, the last saying where to read more (the
    /// help of <paramref name="command"/>, "podunits logs" say).</summary>
    public static void ReportUsage(IReadOnlyList<string> problems, string command)
    {
        for (int i = 0; i < problems.Count; i++)
        {
            PodLog.Error($"usage: {problems[i]}{(i == problems.Count - 1 ? $" (see '{command} --help')" : "")}");
        }
    }

    public static void ReportInterrupted() => PodLog.Error("interrupted");
}

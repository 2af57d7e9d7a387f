using System.Globalization;
using PodUnits.Journal;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Stage 1's own diagnostics (the executor, the pod init, container-start), one line each on
/// stderr. Under systemd the executor's and the pod init's stderr is the unit's journal
/// stream; there the line starts with the syslog priority prefix journald reads
/// (<c>&lt;4&gt;</c>; SyslogLevelPrefix=, systemd.exec(5)), so <c>journalctl -p warning</c> finds it,
/// and the stream gives it the unit's fields (its LogExtraFields=: POD_ID, and a one-container
/// pod's CONTAINER_* fields).
/// container-start's stderr is the container's pipe: the executor forwards its lines with the
/// container's fields. The lifecycle entries with MESSAGE_IDs are <see cref="Executor.PodEventLog"/>'s.
/// Not Serilog (PodUnits.Logging, stage 0's path): stage 1 references no logging library,
/// and a pod init in its own mount namespace cannot reach the host's journal socket by path.
/// </summary>
public static class StageLog
{
    private static readonly bool s_toJournal = JournalStream.StderrIsJournal();

    public static void Information(string message) => Write(JournalPriority.Informational, message);

    public static void Warning(string message) => Write(JournalPriority.Warning, message);

    public static void Error(string message) => Write(JournalPriority.Error, message);

    /// <summary>The line for <paramref name="message"/>: prefixed with its priority for
    /// journald, and one line whatever it quotes. journald reads a priority prefix at the start
    /// of every line of the stream, so a line break in a path a container named ("x\n&lt;0&gt;...")
    /// made an entry of its own, at the emergency level journald walls to every terminal
    /// (review of 2026-12-05).</summary>
    internal static string Line(bool toJournal, JournalPriority priority, string message)
    {
        string line = Core.Text.OneLine.Of(message);
        return toJournal ? $"<{((int)priority).ToString(CultureInfo.InvariantCulture)}>{line}" : line;
    }

    public static void Write(JournalPriority priority, string message) =>
        Console.Error.WriteLine(Line(s_toJournal, priority, message)); // Console.Error is synchronized
}

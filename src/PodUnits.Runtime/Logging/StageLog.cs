using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Journal;
using static Tmds.Linux.LibC;

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
/// After `systemctl stop systemd-journald` and a start, the unit's stream is closed for good
/// (systemd does not reconnect it), and .NET's Console swallows EPIPE: every line, among them
/// the warnings that count lost lines, was lost without a word (logging review of
/// 2026-12-07, finding 1). On the journal stream a line is written by send(2) instead, and on
/// EPIPE a new stream is opened and put in place of the dead one (<see cref="WriteToStream"/>),
/// or, when that fails, the line goes as a native entry. The pod init cannot do either (its
/// mount namespace, and journald refuses a stream from another PID namespace): its lines
/// after such an outage are lost, as any service's would be.
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

    private static readonly object s_gate = new(); // one writer at a time, and one reopening

    public static void Write(JournalPriority priority, string message)
    {
        string line = Line(s_toJournal, priority, message);
        if (!s_toJournal)
        {
            Console.Error.WriteLine(line); // Console.Error is synchronized
            return;
        }
        lock (s_gate)
        {
            if (!WriteToStream(2, Encoding.UTF8.GetBytes(line + "\n"), OpenOwnStream, alsoOnto: 1))
            {
                SendNative(priority, message);
            }
        }
    }

    /// <summary>A new stream like the one systemd connected the unit's stderr to: the unit's
    /// identifier, priority prefixes read, the unit named for lines read after the exit.</summary>
    private static SafeFileHandle OpenOwnStream() =>
        JournalStream.OpenHandle(PodJournalFields.OwnIdentifier, JournalPriority.Informational, levelPrefix: true, unitId: OwnUnit.ServiceName());

    /// <summary>Writes <paramref name="line"/> to the journal stream on <paramref name="fd"/>.
    /// When journald has closed it (EPIPE: it was stopped), opens a new one with
    /// <paramref name="reopen"/>, puts it in the dead one's place with dup2, on
    /// <paramref name="alsoOnto"/> too where that held the same stream (the unit's stdout),
    /// and writes the line again. False when the line went nowhere.</summary>
    internal static bool WriteToStream(int fd, ReadOnlySpan<byte> line, Func<SafeFileHandle> reopen, int alsoOnto = -1)
    {
        ArgumentNullException.ThrowIfNull(reopen);
        using var stream = new SafeFileHandle(fd, ownsHandle: false);
        try
        {
            JournalStream.Write(stream, line, "the journal stream on stderr");
            return true;
        }
        catch (NativeCallException e) when (e.Errno == EPIPE || e.Errno == ECONNRESET)
        {
            // journald closed it: open another below.
        }
        catch (PodUnitsException)
        {
            return false;
        }
        bool same = alsoOnto >= 0 && SameFile(fd, alsoOnto);
        try
        {
            using SafeFileHandle fresh = reopen();
            int freshFd = (int)fresh.DangerousGetHandle();
            Core.Native.Check.Io(dup2(freshFd, fd), "dup2", "the journal stream on stderr");
            if (same)
            {
                Core.Native.Check.Io(dup2(freshFd, alsoOnto), "dup2", "the journal stream on stdout");
            }
            JournalStream.Write(stream, line, "the journal stream on stderr");
            return true;
        }
        catch (PodUnitsException)
        {
            return false;
        }
    }

    private static unsafe bool SameFile(int fd, int other)
    {
        Tmds.Linux.stat a, b;
        return fstat(fd, &a) == 0 && fstat(other, &b) == 0 && (ulong)a.st_dev == (ulong)b.st_dev && (ulong)a.st_ino == (ulong)b.st_ino;
    }

    /// <summary>The line as a native entry of the unit, when no stream takes it.</summary>
    private static void SendNative(JournalPriority priority, string message)
    {
        using var entry = new JournalEntryBuilder();
        entry.Add("MESSAGE", message).AddPriority(priority).Add("SYSLOG_IDENTIFIER", PodJournalFields.OwnIdentifier);
        if (OwnUnit.ServiceName() is { } unit)
        {
            entry.Add("OBJECT_SYSTEMD_UNIT", unit);
        }
        try
        {
            JournalClient.Shared.Send(entry);
        }
        catch (PodUnitsException)
        {
            // No journald to take it: nothing is left to say it with.
        }
    }
}

using PodUnits.Core.Identity;
using PodUnits.Journal;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace PodUnits.Logging;

/// <summary>Where PodUnits' own log goes.</summary>
public enum LogDestination
{
    /// <summary>journald's native protocol, with structured fields.</summary>
    Journal,

    /// <summary>Plain lines on stderr.</summary>
    Stderr,

    /// <summary>The kernel's log buffer, before journald runs (the generator).</summary>
    Kmsg,
}

/// <summary>The one logging setup of every PodUnits process that logs through Serilog (stage 0, the CLI, the generator).</summary>
public static class PodUnitsLogging
{
    /// <summary>The property that becomes OBJECT_SYSTEMD_UNIT.</summary>
    public const string UnitProperty = "ObjectSystemdUnit";

    /// <summary>
    /// A logger for <paramref name="identifier"/> to <paramref name="destination"/>:
    /// Information and above, everything with <paramref name="verbose"/>; enriched from
    /// LogContext. Where the destination cannot be opened, stderr, said once there.
    /// </summary>
    public static Logger Create(string identifier, bool verbose, LogDestination destination)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ILogEventSink sink = destination switch
        {
            LogDestination.Journal => JournalOrStderr(identifier, verbose),
            LogDestination.Kmsg => (ILogEventSink?)KmsgSink.TryOpen(identifier) ?? new StderrSink(identifier, verbose),
            _ => new StderrSink(identifier, verbose),
        };
        LoggerConfiguration configuration = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Verbose : LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Sink(sink);
        if (destination == LogDestination.Journal && OwnUnit.ServiceName() is { } unit)
        {
            // journald learns a datagram's unit from its sender's cgroup, which is gone when
            // the sender has exited before journald reads it (stage 0 failing, then exiting at
            // once): OBJECT_SYSTEMD_UNIT keeps the entry in `journalctl -u` and `systemctl status`.
            configuration = configuration.Enrich.WithProperty(UnitProperty, unit);
        }
        return configuration.CreateLogger();
    }

    private static ILogEventSink JournalOrStderr(string identifier, bool verbose)
    {
        try
        {
            return new JournaldSink(JournalClient.Shared, identifier);
        }
        catch (PodUnits.Core.Errors.NativeCallException e)
        {
            // Logging must not stop the program: without a socket (EMFILE...) say so once, on stderr.
            var stderr = new StderrSink(identifier, verbose);
            stderr.WriteLine($"cannot log to the journal ({e.Message}), logging to stderr");
            return stderr;
        }
    }

    /// <summary>The destination for this process, from what its stderr is.</summary>
    public static LogDestination ChooseDestination() =>
        ChooseDestination(JournalStream.StderrIsJournal(), JournalClient.IsAvailable());

    /// <summary>
    /// The journal when stderr is the unit's journal stream (systemd connected it and
    /// $JOURNAL_STREAM names it, systemd.exec(5)) and journald's socket exists: there,
    /// structured fields and priorities beat plain lines. Anything else, a terminal, a pipe
    /// or a file a script captures, gets plain lines on stderr, where its reader looks. Stage
    /// 1 decides the same way (Runtime/Logging/StageLog, Executor/PodEventLog).
    /// </summary>
    public static LogDestination ChooseDestination(bool stderrIsJournal, bool journalSocketExists) =>
        stderrIsJournal && journalSocketExists ? LogDestination.Journal : LogDestination.Stderr;
}

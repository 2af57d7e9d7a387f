using System.Collections;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace PodUnits.Journal.Serilog;

/// <summary>Where PodUnits' own log goes.</summary>
public enum LogTarget
{
    /// <summary>journald's native protocol, with structured fields.</summary>
    Journal,

    /// <summary>Plain lines on stderr.</summary>
    Stderr,
}

/// <summary>The one logging setup of every PodUnits process (CLI, executor, generator).</summary>
public static class PodUnitsLogging
{
    /// <summary>
    /// A logger for <paramref name="identifier"/>: Information and above, everything with
    /// <paramref name="verbose"/>; enriched from LogContext. The target is chosen by
    /// <see cref="ChooseTarget"/> from this process's environment.
    /// </summary>
    public static Logger Create(string identifier, bool verbose) =>
        Create(identifier, verbose, ChooseTarget(Environment.GetEnvironmentVariables(), JournalClient.IsAvailable()));

    public static Logger Create(string identifier, bool verbose, LogTarget target)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ILogEventSink sink = target == LogTarget.Journal ? JournalOrStderr(identifier, verbose) : new StderrSink(identifier, verbose);
        return new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Verbose : LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Sink(sink)
            .CreateLogger();
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
            Console.Error.WriteLine($"{identifier}: cannot log to the journal ({e.Message}), logging to stderr");
            return stderr;
        }
    }

    /// <summary>
    /// The journal when systemd started us (it sets INVOCATION_ID for every unit since
    /// systemd 232, and JOURNAL_STREAM when stdout/stderr go to the journal, systemd.exec(5))
    /// and journald's socket exists: there, structured fields beat plain lines. Otherwise
    /// (a terminal, a script, a container without journald) stderr, which a person reads.
    /// </summary>
    public static LogTarget ChooseTarget(IDictionary environment, bool journalSocketExists)
    {
        ArgumentNullException.ThrowIfNull(environment);
        bool underSystemd = !string.IsNullOrEmpty(environment["INVOCATION_ID"] as string)
            || !string.IsNullOrEmpty(environment["JOURNAL_STREAM"] as string);
        return underSystemd && journalSocketExists ? LogTarget.Journal : LogTarget.Stderr;
    }
}

using System.Runtime.CompilerServices;
using PodUnits.Journal;
using Serilog.Core;
using Serilog.Events;

namespace PodUnits.Logging;

/// <summary>
/// PodUnits' own messages in stage 0, the CLI and the generator: one call per message,
/// <c>PodLog.Warning("...", new(Pod: name))</c>. <see cref="Configure"/> picks the
/// destination once per process (<see cref="PodUnitsLogging.ChooseDestination"/>): the
/// journal with structured fields when systemd runs us, kmsg for the generator, stderr for a
/// person at a terminal. Every message carries where it was written (CODE_FILE, CODE_LINE,
/// CODE_FUNC, as systemd's own messages do) and what it is about (<see cref="LogSubject"/>).
/// Messages are plain text, not Serilog templates: a brace in a pod's name stays a brace.
/// Stage 1 does not use this (it does not reference Serilog): Runtime/Logging/StageLog.
/// </summary>
public static class PodLog
{
    // The logger is built at the first message, not at Configure: a pod's start (stage 0)
    // usually logs nothing, and building Serilog's pipeline cost about 3% of all CPU when
    // many pods start at once (perf over 10 pods: PodLog's constructor and Configure).
    private static readonly Lock s_lock = new();
    private static Func<Logger> s_create = () => PodUnitsLogging.Create(JournaldSink.DefaultIdentifier, verbose: false, LogDestination.Stderr);
    private static Logger? s_logger;

    /// <summary>Sets up this process's log (until then: stderr): <paramref name="destination"/>,
    /// or the one this process's stderr calls for.</summary>
    public static void Configure(string identifier, bool verbose, LogDestination? destination = null)
    {
        // Where to is decided now, from what stderr is now (a later redirection of it must
        // not move the log); only the building waits.
        LogDestination chosen = destination ?? PodUnitsLogging.ChooseDestination();
        Logger? previous;
        lock (s_lock)
        {
            previous = s_logger;
            s_logger = null;
            s_create = () => PodUnitsLogging.Create(identifier, verbose, chosen);
        }
        previous?.Dispose();
    }

    private static Logger Logger
    {
        get
        {
            lock (s_lock)
            {
                return s_logger ??= s_create();
            }
        }
    }

    public static void Information(string message, LogSubject about = default, Exception? exception = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "") =>
        Write(LogEventLevel.Information, message, about, exception, file, line, function);

    public static void Warning(string message, LogSubject about = default, Exception? exception = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "") =>
        Write(LogEventLevel.Warning, message, about, exception, file, line, function);

    /// <summary>An error; with an exception, its whole text goes to the journal's EXCEPTION
    /// field, and to stderr only with --verbose (the message says what happened).</summary>
    public static void Error(string message, LogSubject about = default, Exception? exception = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "") =>
        Write(LogEventLevel.Error, message, about, exception, file, line, function);

    /// <summary>The event of one message, for a logger of one's own (the generator's).</summary>
    public static LogEvent Event(LogEventLevel level, string message, LogSubject about, Exception? exception, string file, int line, string function)
    {
        ArgumentNullException.ThrowIfNull(message);
        var properties = new List<LogEventProperty>(6);
        if (about.Pod is { } pod) properties.Add(new LogEventProperty("PodName", new ScalarValue(pod)));
        if (about.Container is { } container) properties.Add(new LogEventProperty("ContainerName", new ScalarValue(container)));
        if (about.MessageId is { } id) properties.Add(new LogEventProperty(JournalMessageIds.PropertyName, new ScalarValue(id)));
        properties.Add(new LogEventProperty("CodeFile", new ScalarValue(JournalEntryBuilder.SourcePath(file))));
        properties.Add(new LogEventProperty("CodeLine", new ScalarValue(line)));
        properties.Add(new LogEventProperty("CodeFunc", new ScalarValue(function)));
        return new LogEvent(DateTimeOffset.Now, level, exception, new MessageTemplate([new Serilog.Parsing.TextToken(message)]), properties);
    }

    private static void Write(LogEventLevel level, string message, LogSubject about, Exception? exception, string file, int line, string function) =>
        Logger.Write(Event(level, message, about, exception, file, line, function));
}

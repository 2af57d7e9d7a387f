using System.Globalization;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace PodUnits.Logging;

/// <summary>
/// Plain text on stderr for a person at a terminal, in the CLI's own style:
/// <c>podunits: message</c> (information and errors, as the CLI has always said them),
/// <c>podunits: warning: message</c>. The message says what happened; an exception adds its
/// full text (stack trace included) only when verbose. Serilog.Sinks.Console would bring
/// themes and a dependency for what is a dozen lines here.
/// </summary>
public sealed class StderrSink : ILogEventSink
{
    private readonly TextWriter _writer;
    private readonly string _identifier;
    private readonly bool _verbose;

    public StderrSink(string identifier, bool verbose, TextWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        _identifier = identifier;
        _verbose = verbose;
        _writer = writer ?? Console.Error; // Console.Error is synchronized
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        try
        {
            _writer.WriteLine(Format(logEvent));
        }
#pragma warning disable CA1031 // a logging sink must not throw into the code that logs
        catch (Exception e)
#pragma warning restore CA1031
        {
            SelfLog.WriteLine("stderr sink: {0}", e.Message);
        }
    }

    /// <summary>A line of the sink's own, outside Serilog (that the journal cannot be reached).</summary>
    public void WriteLine(string message) => _writer.WriteLine($"{_identifier}: {message}");

    internal string Format(LogEvent logEvent)
    {
        string level = logEvent.Level switch
        {
            LogEventLevel.Verbose => "trace: ",
            LogEventLevel.Debug => "debug: ",
            LogEventLevel.Information => "",
            LogEventLevel.Warning => "warning: ",
            LogEventLevel.Error => "",
            _ => "fatal: ",
        };
        string text = $"{_identifier}: {level}{logEvent.RenderMessage(CultureInfo.InvariantCulture)}";
        return logEvent.Exception is { } e && _verbose ? $"{text}\n{e}" : text;
    }
}

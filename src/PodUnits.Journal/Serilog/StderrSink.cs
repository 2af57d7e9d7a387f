using System.Globalization;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace PodUnits.Journal.Serilog;

/// <summary>
/// Plain text on stderr for a person at a terminal, in the CLI's own style:
/// <c>podunits: message</c>, <c>podunits: warning: message</c>. Exceptions add their message,
/// or their full text (stack trace included) when verbose. Serilog.Sinks.Console would bring
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

    internal string Format(LogEvent logEvent)
    {
        string level = logEvent.Level switch
        {
            LogEventLevel.Verbose => "trace: ",
            LogEventLevel.Debug => "debug: ",
            LogEventLevel.Information => "",
            LogEventLevel.Warning => "warning: ",
            LogEventLevel.Error => "error: ",
            _ => "fatal: ",
        };
        string text = $"{_identifier}: {level}{logEvent.RenderMessage(CultureInfo.InvariantCulture)}";
        return logEvent.Exception switch
        {
            null => text,
            { } e when _verbose => $"{text}\n{e}",
            { } e => $"{text}: {e.Message}",
        };
    }
}

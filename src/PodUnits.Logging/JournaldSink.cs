using System.Globalization;
using PodUnits.Core.Identity;
using PodUnits.Journal;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace PodUnits.Logging;

/// <summary>
/// Writes Serilog events to journald as structured entries (native protocol):
/// <list type="bullet">
/// <item>MESSAGE: the rendered message; MESSAGE_TEMPLATE: the template text;</item>
/// <item>PRIORITY: Verbose and Debug 7, Information 6, Warning 4, Error 3, Fatal 2;</item>
/// <item>SYSLOG_IDENTIFIER: the identifier given (default "podunits");</item>
/// <item>MESSAGE_ID: the MessageId property when it is a 128-bit id (32 hex digits or a GUID),
/// see <see cref="JournalMessageIds"/>;</item>
/// <item>every other property as a field named by <see cref="PropertyFieldNames"/>
/// (PodName -> POD_NAME); scalars as invariant text, strings unquoted, structures and
/// sequences as Serilog renders them;</item>
/// <item>an exception as EXCEPTION_TYPE, EXCEPTION_MESSAGE and EXCEPTION (its full text).</item>
/// </list>
/// Logging never throws into the caller: a failed send is reported to Serilog's SelfLog.
/// </summary>
public sealed class JournaldSink : ILogEventSink
{
    public const string DefaultIdentifier = PodJournalFields.OwnIdentifier;

    private static readonly JournalFieldName s_template = JournalFieldName.Create("MESSAGE_TEMPLATE");
    private static readonly JournalFieldName s_exception = JournalFieldName.Create("EXCEPTION");
    private static readonly JournalFieldName s_exceptionType = JournalFieldName.Create("EXCEPTION_TYPE");
    private static readonly JournalFieldName s_exceptionMessage = JournalFieldName.Create("EXCEPTION_MESSAGE");

    // One builder per thread: entries are built without locking and the buffer is reused.
    [ThreadStatic] private static JournalEntryBuilder? t_builder;

    private readonly JournalClient _client;
    private readonly string _identifier;

    public JournaldSink(JournalClient client, string identifier = DefaultIdentifier)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(identifier);
        _client = client;
        _identifier = identifier;
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        JournalEntryBuilder builder = t_builder ??= new JournalEntryBuilder();
        try
        {
            builder.Clear();
            Build(builder, logEvent, _identifier);
            _client.Send(builder);
        }
#pragma warning disable CA1031 // a logging sink must not throw into the code that logs
        catch (Exception e)
#pragma warning restore CA1031
        {
            SelfLog.WriteLine("journald sink: cannot send an event to {0}: {1}", _client.SocketPath, e.Message);
        }
        finally
        {
            // Don't keep a huge buffer for the thread's lifetime after one big event.
            if (builder.Length > 64 * 1024)
            {
                builder.Dispose();
                t_builder = null;
            }
        }
    }

    /// <summary>The entry for <paramref name="logEvent"/>; public to the tests through the encoded bytes.</summary>
    internal static void Build(JournalEntryBuilder builder, LogEvent logEvent, string identifier)
    {
        builder.Add(JournalFieldName.Message, logEvent.RenderMessage(CultureInfo.InvariantCulture));
        builder.AddPriority(PriorityOf(logEvent.Level));
        builder.Add(JournalFieldName.SyslogIdentifier, identifier);
        builder.Add(s_template, logEvent.MessageTemplate.Text);
        foreach (KeyValuePair<string, LogEventPropertyValue> property in logEvent.Properties)
        {
            if (property.Key == JournalMessageIds.PropertyName && TryMessageId(property.Value, out string? id))
            {
                builder.Add(JournalFieldName.MessageId, id);
                continue;
            }
            builder.Add(PropertyFieldNames.For(property.Key), Text(property.Value));
        }
        if (logEvent.Exception is { } exception)
        {
            builder.Add(s_exceptionType, exception.GetType().FullName);
            builder.Add(s_exceptionMessage, exception.Message);
            builder.Add(s_exception, exception.ToString());
        }
    }

    internal static JournalPriority PriorityOf(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => JournalPriority.Debug,
        LogEventLevel.Information => JournalPriority.Informational,
        LogEventLevel.Warning => JournalPriority.Warning,
        LogEventLevel.Error => JournalPriority.Error,
        _ => JournalPriority.Critical,
    };

    private static string Text(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: null } => "",
        ScalarValue { Value: string text } => text,
        ScalarValue { Value: bool flag } => flag ? "true" : "false",
        ScalarValue { Value: IFormattable formattable } => formattable.ToString(null, CultureInfo.InvariantCulture),
        ScalarValue scalar => scalar.Value.ToString() ?? "",
        _ => value.ToString(null, CultureInfo.InvariantCulture),
    };

    /// <summary>journalctl finds catalog entries only for ids written as 32 lower-case hex digits.</summary>
    private static bool TryMessageId(LogEventPropertyValue value, out string? id)
    {
        id = value switch
        {
            ScalarValue { Value: Guid guid } => guid.ToString("N"),
            ScalarValue { Value: string text } when Guid.TryParse(text, out Guid parsed) => parsed.ToString("N"),
            _ => null,
        };
        if (id is null)
        {
            SelfLog.WriteLine("journald sink: MessageId {0} is not a 128-bit id; sent as a plain field", value);
        }
        return id is not null;
    }
}

using System.Text;
using PodUnits.Journal;
using PodUnits.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace PodUnits.UnitTests.Journal;

public sealed class JournaldSinkTests
{
    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];
        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }

    private static LogEvent Capture1(Action<ILogger> log)
    {
        var capture = new Capture();
        using (Logger logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(capture).CreateLogger())
        {
            log(logger);
        }
        return Assert.Single(capture.Events);
    }

    private static List<KeyValuePair<string, byte[]>> Encode(LogEvent logEvent)
    {
        using var builder = new JournalEntryBuilder();
        JournaldSink.Build(builder, logEvent, "podunits-test");
        return NativeEntry.Parse(builder.Encoded);
    }

    [Fact]
    public void MessagePropertiesAndTemplateBecomeFields()
    {
        LogEvent e = Capture1(l => l.Information("Pod {PodName} started in {Elapsed} ms, ready {Ready}", "web", 12.5, true));
        var fields = Encode(e);
        Assert.Equal("Pod \"web\" started in 12.5 ms, ready True", fields.Text("MESSAGE"));
        Assert.Equal("Pod {PodName} started in {Elapsed} ms, ready {Ready}", fields.Text("MESSAGE_TEMPLATE"));
        Assert.Equal("6", fields.Text("PRIORITY"));
        Assert.Equal("podunits-test", fields.Text("SYSLOG_IDENTIFIER"));
        Assert.Equal("web", fields.Text("POD_NAME"));
        Assert.Equal("12.5", fields.Text("ELAPSED"));
        Assert.Equal("true", fields.Text("READY"));
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, JournalPriority.Debug)]
    [InlineData(LogEventLevel.Debug, JournalPriority.Debug)]
    [InlineData(LogEventLevel.Information, JournalPriority.Informational)]
    [InlineData(LogEventLevel.Warning, JournalPriority.Warning)]
    [InlineData(LogEventLevel.Error, JournalPriority.Error)]
    [InlineData(LogEventLevel.Fatal, JournalPriority.Critical)]
    public void LevelsMapToSyslogPriorities(LogEventLevel level, JournalPriority priority) =>
        Assert.Equal(priority, JournaldSink.PriorityOf(level));

    [Fact]
    public void ExceptionBecomesThreeFields()
    {
        var error = new InvalidOperationException("line one\nline two");
        LogEvent e = Capture1(l => l.Error(error, "Failed"));
        var fields = Encode(e);
        Assert.Equal("System.InvalidOperationException", fields.Text("EXCEPTION_TYPE"));
        Assert.Equal("line one\nline two", fields.Text("EXCEPTION_MESSAGE"));
        Assert.Equal(error.ToString(), fields.Text("EXCEPTION"));
        Assert.Equal("3", fields.Text("PRIORITY"));
    }

    [Fact]
    public void MessageIdPropertySetsMessageIdInCatalogForm()
    {
        LogEvent e = Capture1(l => l.ForContext(JournalMessageIds.PropertyName, JournalMessageIds.PodStarted.ToUpperInvariant())
            .Information("Pod {PodName} started", "web"));
        var fields = Encode(e);
        Assert.Equal(JournalMessageIds.PodStarted, fields.Text("MESSAGE_ID"));
        Assert.DoesNotContain(fields, f => f.Key == "PROPERTY_MESSAGE_ID");
    }

    [Fact]
    public void InvalidMessageIdIsKeptAsAPlainField()
    {
        LogEvent e = Capture1(l => l.ForContext("MessageId", "not-an-id").Information("x"));
        var fields = Encode(e);
        Assert.DoesNotContain(fields, f => f.Key == "MESSAGE_ID");
        Assert.Equal("not-an-id", fields.Text("PROPERTY_MESSAGE_ID"));
    }

    [Fact]
    public void PropertiesNeverOverwriteTheSinksOwnFields()
    {
        LogEvent e = Capture1(l => l.ForContext("Message", "mine").ForContext("Priority", 0).Warning("real"));
        var fields = Encode(e);
        Assert.Equal("real", fields.Text("MESSAGE"));
        Assert.Equal("4", fields.Text("PRIORITY"));
        Assert.Equal("mine", fields.Text("PROPERTY_MESSAGE"));
        Assert.Equal("0", fields.Text("PROPERTY_PRIORITY"));
    }

    [Fact]
    public void StructuresAndSequencesAreRenderedAsSerilogDoes()
    {
        LogEvent e = Capture1(l => l.Information("{@Limits} {Ports}", new { Memory = 256, Cpu = "0.5" }, new[] { 80, 443 }));
        var fields = Encode(e);
        Assert.Equal("{ Memory: 256, Cpu: \"0.5\" }", fields.Text("LIMITS"));
        Assert.Equal("[80, 443]", fields.Text("PORTS"));
    }

    [Theory]
    [InlineData("PodName", "POD_NAME")]
    [InlineData("ContainerID", "CONTAINER_ID")]
    [InlineData("HTTPStatus", "HTTP_STATUS")]
    [InlineData("exitStatus", "EXIT_STATUS")]
    [InlineData("SourceContext", "SOURCE_CONTEXT")]
    [InlineData("Ipv4Address", "IPV4_ADDRESS")]
    [InlineData("_private", "PRIVATE")]
    [InlineData("Exception", "PROPERTY_EXCEPTION")]
    public void PropertyNamesBecomeUpperSnakeCase(string property, string field) =>
        Assert.Equal(field, PropertyFieldNames.Map(property));

    [Fact]
    public void SendFailuresGoToSelfLogNotToTheCaller()
    {
        var messages = new List<string>();
        Serilog.Debugging.SelfLog.Enable(m => { lock (messages) { messages.Add(m); } });
        try
        {
            using var client = new JournalClient("/nonexistent/podunits-test/socket");
            var sink = new JournaldSink(client);
            LogEvent e = Capture1(l => l.Information("dropped"));
            sink.Emit(e); // must not throw
        }
        finally
        {
            Serilog.Debugging.SelfLog.Disable();
        }
        Assert.Contains(messages, m => m.Contains("/nonexistent/podunits-test/socket", StringComparison.Ordinal));
    }

    [Fact]
    public void StderrSinkWritesCliStyleLines()
    {
        var writer = new StringWriter();
        var sink = new StderrSink("podunits", verbose: false, writer);
        sink.Emit(Capture1(l => l.Information("Pod {PodName} started", "web")));
        sink.Emit(Capture1(l => l.Warning(new IOException("disk full"), "Cannot save")));
        sink.Emit(Capture1(l => l.Error(new IOException("disk full"), "Cannot save: disk full")));
        // Errors read as the CLI's always did; the message says what happened, the exception
        // adds its text only when verbose (the journal gets it whole, as EXCEPTION).
        Assert.Equal("podunits: Pod \"web\" started\npodunits: warning: Cannot save\npodunits: Cannot save: disk full\n", writer.ToString());
    }

    [Fact]
    public void StderrSinkShowsTheStackOnlyWhenVerbose()
    {
        Exception error;
        try { throw new IOException("disk full"); } catch (IOException e) { error = e; }
        var sink = new StderrSink("podunits", verbose: true);
        string text = sink.Format(Capture1(l => l.Error(error, "Cannot save")));
        Assert.StartsWith("podunits: Cannot save\nSystem.IO.IOException: disk full", text, StringComparison.Ordinal);
        Assert.Contains(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamHeaderHasTheSevenLinesOfSdJournalStreamFd()
    {
        byte[] header = JournalStream.Header("web", JournalPriority.Error, levelPrefix: true);
        Assert.Equal("web\n\n3\n1\n0\n0\n0\n", Encoding.UTF8.GetString(header));
        Assert.Throws<ArgumentException>(() => JournalStream.OpenHandle("a\nb"));
    }
}

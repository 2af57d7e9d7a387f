using System.Text;
using PodUnits.Journal;
using PodUnits.Logging;
using Serilog;
using Serilog.Core;

namespace PodUnits.IntegrationTests.Journal;

/// <summary>The Serilog sink, the stream protocol and the message catalog against the real journald.</summary>
public sealed class JournalSinkAndStreamTests
{
    [Fact]
    public async Task SerilogEventWithPropertiesAndExceptionArrivesAsFields()
    {
        string id = Guid.NewGuid().ToString("N");
        Exception error;
        try
        {
            throw new InvalidOperationException("image busybox:1.36 not found\nin the local store");
        }
        catch (InvalidOperationException e)
        {
            error = e;
        }
        using (Logger logger = new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.Sink(new JournaldSink(JournalClient.Shared, "podunits-test")).CreateLogger())
        {
            logger.ForContext("TestId", id)
                .ForMessageId(JournalMessageIds.PodFailed)
                .Error(error, "Pod {PodName} failed after {Attempts} attempts ({@Limits})", "web-1", 3, new { Memory = "256Mi" });
        }

        ExportedEntry got = Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1));
        Assert.Equal("Pod \"web-1\" failed after 3 attempts ({ Memory: \"256Mi\" })", got.Text("MESSAGE"));
        Assert.Equal("Pod {PodName} failed after {Attempts} attempts ({@Limits})", got.Text("MESSAGE_TEMPLATE"));
        Assert.Equal("3", got.Text("PRIORITY"));
        Assert.Equal("podunits-test", got.Text("SYSLOG_IDENTIFIER"));
        Assert.Equal(JournalMessageIds.PodFailed, got.Text("MESSAGE_ID"));
        Assert.Equal("web-1", got.Text("POD_NAME"));
        Assert.Equal("3", got.Text("ATTEMPTS"));
        Assert.Equal("{ Memory: \"256Mi\" }", got.Text("LIMITS"));
        Assert.Equal("System.InvalidOperationException", got.Text("EXCEPTION_TYPE"));
        Assert.Equal("image busybox:1.36 not found\nin the local store", got.Text("EXCEPTION_MESSAGE"));
        Assert.Equal(error.ToString(), got.Text("EXCEPTION"));
    }

    [Fact]
    public async Task PodUnitsLoggingToTheJournalSendsStructuredEntries()
    {
        string id = Guid.NewGuid().ToString("N");
        using (Logger logger = PodUnitsLogging.Create("podunits-test", verbose: false, LogDestination.Journal))
        {
            logger.ForContext("TestId", id).Debug("not logged without verbose");
            logger.ForContext("TestId", id).ForMessageId(JournalMessageIds.PodStopped).Information("Pod {PodName} stopped", "web");
        }

        ExportedEntry got = Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1));
        Assert.Equal("Pod \"web\" stopped", got.Text("MESSAGE"));
        Assert.Equal(JournalMessageIds.PodStopped, got.Text("MESSAGE_ID"));
        Assert.Equal("6", got.Text("PRIORITY"));
    }

    [Fact]
    public async Task StreamProtocolLinesBecomeEntriesWithTheHeadersIdentifierAndPriority()
    {
        string identifier = "podunits-test-" + Guid.NewGuid().ToString("N")[..12];
        using (Stream stream = JournalStream.Open(identifier, JournalPriority.Warning))
        {
            stream.Write(Encoding.UTF8.GetBytes("first line\nsecond, ünïcödé\n"));
            stream.Write("an unterminated last line"u8);
        }

        List<ExportedEntry> got = await JournalExport.WaitForAsync("SYSLOG_IDENTIFIER=" + identifier, 3);
        Assert.Equal(["first line", "second, ünïcödé", "an unterminated last line"], got.Select(e => e.Text("MESSAGE")));
        Assert.All(got, e => Assert.Equal("4", e.Text("PRIORITY")));
        // journald knows the writer through the connection: the entries carry our _PID.
        Assert.All(got, e => Assert.Equal(Environment.ProcessId.ToString(), e.Text("_PID")));
    }

    [Fact]
    public async Task StreamLevelPrefixSetsThePriorityOfEachLine()
    {
        string identifier = "podunits-test-" + Guid.NewGuid().ToString("N")[..12];
        using (Stream stream = JournalStream.Open(identifier, JournalPriority.Informational, levelPrefix: true))
        {
            stream.Write("<3>an error\nplain\n"u8);
        }

        List<ExportedEntry> got = await JournalExport.WaitForAsync("SYSLOG_IDENTIFIER=" + identifier, 2);
        Assert.Equal([("an error", "3"), ("plain", "6")], got.Select(e => (e.Text("MESSAGE"), e.Text("PRIORITY"))));
    }

    [Fact]
    public async Task InstalledCatalogExplainsPodMessagesInJournalctlX()
    {
        // inside.sh installed packaging/catalog/podunits.catalog with packaging/install.sh.
        Assert.True(File.Exists("/usr/lib/systemd/catalog/podunits.catalog"), "the catalog is installed");
        await JournalExport.RunAsync("journalctl", ["--update-catalog"]);

        string pod = "catalog-" + Guid.NewGuid().ToString("N")[..8];
        using (var entry = new JournalEntryBuilder())
        {
            entry.Add(JournalFieldName.Message, $"Pod {pod} started").Add(JournalFieldName.MessageId, JournalMessageIds.PodStarted)
                .Add("POD_NAME", pod).Add("TEST_ID", pod);
            JournalClient.Shared.Send(entry);
        }
        Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + pod, 1));

        string explained = Encoding.UTF8.GetString(
            await JournalExport.RunAsync("journalctl", ["--no-pager", "-x", "TEST_ID=" + pod]));
        Assert.Contains($"Subject: Pod {pod} has started", explained, StringComparison.Ordinal);
        Assert.Contains($"pod@{pod}.service reported itself ready", explained, StringComparison.Ordinal);
    }
}

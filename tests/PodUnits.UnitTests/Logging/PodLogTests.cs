using System.Text;
using PodUnits.Core.Identity;
using PodUnits.Journal;
using PodUnits.Logging;
using PodUnits.Runtime.Logging;
using PodUnits.UnitTests.Journal;
using Serilog.Events;

namespace PodUnits.UnitTests.Logging;

/// <summary>PodUnits' one logging path: where a process's messages go, and what fields they carry.</summary>
public sealed class PodLogTests
{
    [Fact]
    public void OnlyAStderrThatIsTheJournalStreamLogsToTheJournal()
    {
        Assert.Equal(LogDestination.Journal, PodUnitsLogging.ChooseDestination(stderrIsJournal: true, journalSocketExists: true));
        // A terminal, a pipe or a file a script reads: plain lines where the reader looks.
        Assert.Equal(LogDestination.Stderr, PodUnitsLogging.ChooseDestination(stderrIsJournal: false, journalSocketExists: true));
        Assert.Equal(LogDestination.Stderr, PodUnitsLogging.ChooseDestination(stderrIsJournal: true, journalSocketExists: false));
    }

    [Fact]
    public void AMessageCarriesWhatItIsAboutAndWhereItWasWritten()
    {
        LogEvent e = PodLog.Event(LogEventLevel.Warning, "pod {web}: 100% {0}", new(Pod: "web", Container: "app", MessageId: JournalMessageIds.PodFailed),
            null, "/work/x/src/PodUnits.Planning/Stage0.cs", 42, "RunPodAsync");
        using var builder = new JournalEntryBuilder();
        JournaldSink.Build(builder, e, "podunits");
        var fields = NativeEntry.Parse(builder.Encoded);
        Assert.Equal("pod {web}: 100% {0}", fields.Text("MESSAGE")); // plain text, not a template
        Assert.Equal("4", fields.Text("PRIORITY"));
        Assert.Equal("podunits", fields.Text("SYSLOG_IDENTIFIER"));
        Assert.Equal("web", fields.Text(PodJournalFields.PodName));
        Assert.Equal("app", fields.Text(PodJournalFields.ContainerName));
        Assert.Equal(JournalMessageIds.PodFailed, fields.Text("MESSAGE_ID"));
        Assert.Equal("src/PodUnits.Planning/Stage0.cs", fields.Text(PodJournalFields.CodeFile));
        Assert.Equal("42", fields.Text(PodJournalFields.CodeLine));
        Assert.Equal("RunPodAsync", fields.Text(PodJournalFields.CodeFunc));
    }

    [Fact]
    public void AnExceptionReachesTheJournalWhole()
    {
        var error = new IOException("disk full");
        LogEvent e = PodLog.Event(LogEventLevel.Error, "cannot save", default, error, "f.cs", 1, "M");
        using var builder = new JournalEntryBuilder();
        JournaldSink.Build(builder, e, "podunits");
        var fields = NativeEntry.Parse(builder.Encoded);
        Assert.Equal("3", fields.Text("PRIORITY"));
        Assert.Equal("System.IO.IOException", fields.Text("EXCEPTION_TYPE"));
        Assert.Equal("disk full", fields.Text("EXCEPTION_MESSAGE"));
        Assert.DoesNotContain(fields, f => f.Key == PodJournalFields.PodName); // about nothing in particular
    }

    [Theory]
    [InlineData("PodName", PodJournalFields.PodName)]
    [InlineData("ContainerName", PodJournalFields.ContainerName)]
    [InlineData("CodeFile", PodJournalFields.CodeFile)]
    [InlineData("CodeLine", PodJournalFields.CodeLine)]
    [InlineData("CodeFunc", PodJournalFields.CodeFunc)]
    [InlineData(PodUnitsLogging.UnitProperty, "OBJECT_SYSTEMD_UNIT")]
    public void SerilogsPropertiesAndStage1sFieldsShareTheirNames(string property, string field) =>
        Assert.Equal(field, PropertyFieldNames.Map(property));

    [Fact]
    public void StderrShowsTheCliStyleLine()
    {
        var writer = new StringWriter();
        var sink = new StderrSink("podunits", verbose: false, writer);
        sink.Emit(PodLog.Event(LogEventLevel.Warning, "pod web: {x}", new(Pod: "web"), null, "f.cs", 1, "M"));
        Assert.Equal("podunits: warning: pod web: {x}\n", writer.ToString());
    }

    [Fact]
    public void KmsgGetsOneRecordPerMessageWithItsPriority()
    {
        string file = Path.GetTempFileName();
        try
        {
            using (KmsgSink sink = KmsgSink.TryOpen("podunits-generator", file)!)
            {
                sink.Emit(PodLog.Event(LogEventLevel.Error, "a.yaml:6:5: error: two\nlines", default, null, "f.cs", 1, "M"));
                sink.Emit(PodLog.Event(LogEventLevel.Warning, "careful", default, null, "f.cs", 1, "M"));
            }
            Assert.Equal($"<3>podunits-generator[{Environment.ProcessId}]: a.yaml:6:5: error: two lines\n<4>podunits-generator[{Environment.ProcessId}]: careful\n",
                File.ReadAllText(file, Encoding.UTF8));
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Null(KmsgSink.TryOpen("podunits-generator", "/nonexistent/kmsg"));
    }

    /// <summary>Logging review of 2026-12-07, finding 3: the kernel refuses a kmsg record
    /// longer than 976 bytes (EINVAL), and the record was lost in Serilog's SelfLog.</summary>
    [Fact]
    public void AMessageLongerThanAKmsgRecordGoesAsSeveralThatSayTheyContinue()
    {
        string message = string.Concat(Enumerable.Range(0, 400).Select(i => $"é{i % 10}€ab{i % 7}xyz"))[..3000];
        string[] records = [.. KmsgSink.Records(4, "podunits-generator[1]", message)];
        Assert.True(records.Length > 3, $"{records.Length} records");
        Assert.All(records, r => Assert.True(Encoding.UTF8.GetByteCount(r) <= 976, $"{Encoding.UTF8.GetByteCount(r)} bytes"));
        Assert.All(records, r => Assert.EndsWith("\n", r, StringComparison.Ordinal));
        Assert.StartsWith("<4>podunits-generator[1]: é0€ab0xyz", records[0], StringComparison.Ordinal);
        Assert.All(records[1..], r => Assert.StartsWith("<4>podunits-generator[1]: (continued) ", r, StringComparison.Ordinal));
        Assert.Equal(message, string.Concat(records.Select((r, i) =>
            r["<4>podunits-generator[1]: ".Length..^1][(i == 0 ? 0 : "(continued) ".Length)..])));
        Assert.Equal(["<4>podunits-generator[1]: short\n"], KmsgSink.Records(4, "podunits-generator[1]", "short"));
    }

    /// <summary>Logging review of 2026-12-07, finding 3: the kernel's ratelimit allows 10
    /// records per open file of /dev/kmsg in 5 s and drops the rest unsaid; the device is
    /// opened again after every 10. A file renamed under the sink shows where each went.</summary>
    [Fact]
    public void KmsgIsOpenedAgainAfterEveryTenRecords()
    {
        string file = Path.GetTempFileName();
        string first = file + ".first";
        try
        {
            using (KmsgSink sink = KmsgSink.TryOpen("podunits-generator", file)!)
            {
                File.Move(file, first);
                File.WriteAllText(file, "");
                for (int i = 1; i <= 15; i++)
                {
                    sink.Emit(PodLog.Event(LogEventLevel.Warning, $"warning {i}", default, null, "f.cs", 1, "M"));
                }
            }
            string Records(int from, int to) =>
                string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"<4>podunits-generator[{Environment.ProcessId}]: warning {i}\n"));
            Assert.Equal(Records(1, 10), File.ReadAllText(first, Encoding.UTF8));
            Assert.Equal(Records(11, 15), File.ReadAllText(file, Encoding.UTF8));
        }
        finally
        {
            File.Delete(file);
            File.Delete(first);
        }
    }

    /// <summary>Logging review of 2026-12-07, finding 3: a record kmsg refused went to
    /// Serilog's SelfLog, which writes nowhere.</summary>
    [Fact]
    public void ARecordKmsgRefusesGoesToStderr()
    {
        var stderr = new StringWriter();
        using (KmsgSink sink = KmsgSink.TryOpen("podunits-generator", "/dev/full", stderr)!) // every write: ENOSPC
        {
            sink.Emit(PodLog.Event(LogEventLevel.Error, "pod web not generated", default, null, "f.cs", 1, "M"));
        }
        Assert.Matches($@"^<3>podunits-generator\[{Environment.ProcessId}\]: pod web not generated \(kmsg: [^\n]+\)\n$", stderr.ToString());
    }

    [Fact]
    public void Stage1PrefixesItsPriorityOnlyForTheJournalStream()
    {
        Assert.Equal("<4>pod init: careful", StageLog.Line(toJournal: true, JournalPriority.Warning, "pod init: careful"));
        Assert.Equal("<3>podunits: broken", StageLog.Line(toJournal: true, JournalPriority.Error, "podunits: broken"));
        Assert.Equal("pod init: careful", StageLog.Line(toJournal: false, JournalPriority.Warning, "pod init: careful"));
    }

    /// <summary>Review of 2026-12-05: journald reads a priority prefix on every line of a
    /// stream, so a path with a line break that a container named made an entry of its own.</summary>
    [Fact]
    public void Stage1sLinesStayOneLineWhateverTheyQuote()
    {
        Assert.Equal("<4>pod init: removing x\\n<0>forged: busy", StageLog.Line(toJournal: true, JournalPriority.Warning, "pod init: removing x\n<0>forged: busy"));
        Assert.Equal("a\\rb\\x1bc", StageLog.Line(toJournal: false, JournalPriority.Warning, "a\rb\u001bc"));
    }
}

using System.Text;
using PodUnits.Cli;
using PodUnits.Cli.Commands;
using Tmds.Linux;

namespace PodUnits.UnitTests.Cli;

/// <summary>CLI review of 2026-12-07, finding 6: `logs -n 2` after a 20,000-byte line (three
/// journal entries: two pieces marked CONTAINER_PARTIAL_MESSAGE, then the last) gave
/// journalctl's last 2 entries, and the last piece (3,616 b's) was shown as if it were the
/// whole line. The window holds the last N lines whole, from their first pieces.</summary>
public sealed class LogWindowTests
{
    private static int _cursor;

    private static string Entry(string container, string text, bool partial = false, int priority = 6) =>
        $$"""{"__CURSOR":"c{{Interlocked.Increment(ref _cursor)}}","MESSAGE":"{{text}}","PRIORITY":"{{priority}}","CONTAINER_NAME":"{{container}}","SYSLOG_IDENTIFIER":"{{container}}"{{(partial ? ",\"CONTAINER_PARTIAL_MESSAGE\":\"true\"" : "")}}}""";

    private static string Own(string text) =>
        $$"""{"__CURSOR":"c{{Interlocked.Increment(ref _cursor)}}","MESSAGE":"{{text}}","SYSLOG_IDENTIFIER":"podunits","CODE_FILE":"x.cs"}""";

    /// <summary>The entries of LogsOfLongLinesTests' pod, oldest first: a line, the long line's
    /// three pieces, another line.</summary>
    private static List<string> LongLine() =>
    [
        Entry("main", "before"),
        Entry("main", new string('b', 8192), partial: true),
        Entry("main", new string('b', 8192), partial: true),
        Entry("main", new string('b', 3616)),
        Entry("main", "printed"),
    ];

    private static async Task<LogWindow?> MeasureAsync(List<string> oldestFirst, int lines, bool prefix = false)
    {
        using var reversed = new StringReader(string.Join('\n', Enumerable.Reverse(oldestFirst)) + "\n");
        return await LogWindow.MeasureAsync(reversed, lines, new LogsCommand.LineFormat(Prefix: prefix), CancellationToken.None);
    }

    [Fact]
    public async Task ALongLineIsFollowedBackToItsFirstPiece()
    {
        List<string> entries = LongLine();
        LogWindow window = (await MeasureAsync(entries, 2))!;
        // "before" ends the line before: the long line's pieces are all after it.
        Assert.Equal(5, window.Entries);
        Assert.Equal("--cursor=" + entries[0].Split('"')[3], window.Argument);
        Assert.Equal([new string('b', 20000), "printed"], await ShownAsync(entries[^window.Entries..], window, prefix: false));
    }

    [Fact]
    public async Task ARarelyWrittenStreamDoesNotMakeTheWholeJournalBeRead()
    {
        // One stderr line at the start, then a busy stdout: the stderr line's stream has no
        // earlier entry to close it on, which read the journal to its start.
        List<string> entries = [Entry("main", "once", priority: 3)];
        entries.AddRange(Enumerable.Range(0, LogWindow.MaxOvershoot * 3).Select(i => Entry("main", $"line {i}")));
        entries.Insert(entries.Count - 1, Entry("main", "late error", priority: 3));
        LogWindow window = (await MeasureAsync(entries, 3))!;
        Assert.Equal(3 + LogWindow.MaxOvershoot, window.Entries); // not all 30,002
        Assert.Equal([$"line {LogWindow.MaxOvershoot * 3 - 2}", "late error", $"line {LogWindow.MaxOvershoot * 3 - 1}"],
            await ShownAsync(entries[^window.Entries..], window, prefix: false));
    }

    [Fact]
    public async Task OneLineIsTheLastAlone()
    {
        List<string> entries = LongLine();
        LogWindow window = (await MeasureAsync(entries, 1))!;
        Assert.Equal(2, window.Entries); // "printed", and the long line's end that says it is whole
        Assert.Equal(["printed"], await ShownAsync(entries[^window.Entries..], window, prefix: false));
    }

    [Fact]
    public async Task AnotherContainersLinesBetweenThePiecesAreCountedAndTheirOwnPiecesKeptApart()
    {
        List<string> entries =
        [
            Entry("side", new string('s', 8192), partial: true), // its start: before the window once measured
            Entry("main", "one"),
            Entry("main", new string('a', 8192), partial: true),
            Entry("side", "s-end"),
            Entry("main", "a-end"),
            Own("pod web: started"),
        ];
        LogWindow window = (await MeasureAsync(entries, 2, prefix: true))!;
        Assert.Equal(5, window.Entries); // back to "one", which ends main's line before; side's end is a line before the two
        Assert.Equal(["main | " + new string('a', 8192) + "a-end", "pod web: started"], await ShownAsync(entries[^window.Entries..], window, prefix: true));
    }

    [Fact]
    public async Task ALineNotEndedYetIsShownWholeAndCounts()
    {
        List<string> entries =
        [
            Entry("main", "one"),
            Entry("main", "two"),
            Entry("main", new string('u', 8192), partial: true),
            Entry("main", new string('u', 8192), partial: true),
        ];
        LogWindow window = (await MeasureAsync(entries, 2))!;
        Assert.Equal(4, window.Entries); // "one" says that "two" is whole
        Assert.Equal(["two", new string('u', 16384)], await ShownAsync(entries[^window.Entries..], window, prefix: false));
    }

    /// <summary>Review of the merged CLI change (2026-12-07), finding 2: every stream whose
    /// newest entry was a piece counted, past N too, and all were shown: `-n 1` while two
    /// containers were each mid-line printed both.</summary>
    [Fact]
    public async Task OnlyTheNewestOfSeveralLinesNotEndedCount()
    {
        List<string> entries =
        [
            Entry("side", "s-before"),
            Entry("main", "m-before"),
            Entry("side", new string('s', 8192), partial: true),
            Entry("main", new string('m', 8192), partial: true),
        ];
        LogWindow one = (await MeasureAsync(entries, 1, prefix: true))!;
        Assert.Equal(1, one.UnfinishedLines);
        Assert.Equal(["main | " + new string('m', 8192)], await ShownAsync(entries[^one.Entries..], one, prefix: true));

        entries.Add(Entry("side", "s-end"));
        entries.Add(Entry("main", new string('m', 8192), partial: true));
        // Newest first: main mid-line, then side's ended line; the two lines are those.
        LogWindow two = (await MeasureAsync(entries, 2, prefix: true))!;
        Assert.Equal(1, two.UnfinishedLines);
        Assert.Equal(["side | " + new string('s', 8192) + "s-end", "main | " + new string('m', 16384)],
            await ShownAsync(entries[^two.Entries..], two, prefix: true));
    }

    [Fact]
    public async Task AJournalWithFewerLinesIsShownWhole()
    {
        List<string> entries = LongLine();
        LogWindow window = (await MeasureAsync(entries, 10))!;
        Assert.Equal(5, window.Entries);
        Assert.Equal(["before", new string('b', 20000), "printed"], await ShownAsync(entries, window, prefix: false));
        Assert.Null(await MeasureAsync([], 10));
    }

    /// <summary>What `logs` shows of <paramref name="fromCursor"/>, the entries from the window's
    /// cursor on, through a real pipe.</summary>
    private static async Task<List<string>> ShownAsync(List<string> fromCursor, LogWindow window, bool prefix)
    {
        string file = Path.GetTempFileName();
        try
        {
            using (var output = File.OpenWrite(file))
            {
                int fd = (int)output.SafeFileHandle.DangerousGetHandle();
                using var journal = new StringReader(string.Join('\n', fromCursor) + "\n");
                using var stdout = new PlainConsole.DescriptorStream(fd);
                var pieces = new LogsCommand.LinePieces();
                var format = new LogsCommand.LineFormat(Prefix: prefix);
                Assert.True(await LogsCommand.RelayAsync(journal, stdout, format, pieces, CancellationToken.None, window));
                foreach (byte[] line in LogsCommand.Unfinished(pieces, format, window.UnfinishedLines))
                {
                    stdout.Write(line);
                }
            }
            return [.. (await File.ReadAllTextAsync(file, Encoding.UTF8)).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }
        finally
        {
            File.Delete(file);
        }
    }
}

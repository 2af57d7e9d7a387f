using System.Text;
using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Cli;

public sealed class LogsRenderTests
{
    [Fact]
    public void PrefixesTheContainerWhenSeveralAreShown()
    {
        byte[]? line = LogsCommand.Render("""{"MESSAGE":"hello from web","CONTAINER_NAME":"web","SYSLOG_IDENTIFIER":"web"}""", new(Prefix: true));
        Assert.Equal("web | hello from web\n", Encoding.UTF8.GetString(line!));
    }

    [Fact]
    public void PrintsTheBareMessageForOneContainer()
    {
        byte[]? line = LogsCommand.Render("""{"MESSAGE":"ready","CONTAINER_NAME":"db","SYSLOG_IDENTIFIER":"db"}""", new(Prefix: false));
        Assert.Equal("ready\n", Encoding.UTF8.GetString(line!));
    }

    [Fact]
    public void KeepsNonUtf8MessagesAsBytes()
    {
        // journalctl -o json prints a message that is not valid UTF-8 as an array of bytes.
        byte[]? line = LogsCommand.Render("""{"MESSAGE":[104,105,255],"CONTAINER_NAME":"c","SYSLOG_IDENTIFIER":"c"}""", new(Prefix: false));
        Assert.Equal(new byte[] { 104, 105, 255, 10 }, line);
    }

    [Fact]
    public void OnATerminalControlCharactersAreEscaped()
    {
        // ESC ]0;pwned BEL retitles a terminal; U+009B is CSI on some; tabs stay.
        string json = """{"MESSAGE":"a\u001b]0;pwned\u0007\tb\u009b2Jc\u007f","CONTAINER_NAME":"c","SYSLOG_IDENTIFIER":"c"}""";
        Assert.Equal("a\\x1b]0;pwned\\x07\tb\\xc2\\x9b2Jc\\x7f\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: false, Escape: true))!));
        // Piped, the bytes are the container's own.
        Assert.Equal("a\u001b]0;pwned\u0007\tb\u009b2Jc\u007f\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: false))!));
    }

    /// <summary>Entries of a one-container pod's unit: its LogExtraFields= gives every one the
    /// container's CONTAINER_NAME, PodUnits' own messages included.</summary>
    public static TheoryData<string> OwnEntries() =>
    [
        // a lifecycle event (PodEventLog)
        """{"MESSAGE":"pod web started: 1 container running","CONTAINER_NAME":"main","SYSLOG_IDENTIFIER":"podunits","MESSAGE_ID":"0b3c"}""",
        // stage 0's warning (PodLog)
        """{"MESSAGE":"web.yaml:7:5: field \"namespace\" in metadata is ignored","CONTAINER_NAME":"main","SYSLOG_IDENTIFIER":"podunits","CODE_FILE":"src/x.cs"}""",
        // stage 1's line on the unit's stream (StageLog)
        """{"MESSAGE":"container main: probe failed","CONTAINER_NAME":"main","SYSLOG_IDENTIFIER":"podunits"}""",
        // a container named podunits: the event still has its MESSAGE_ID
        """{"MESSAGE":"container podunits exited","CONTAINER_NAME":"podunits","SYSLOG_IDENTIFIER":"podunits","MESSAGE_ID":"0b3c"}""",
        // a multi-container pod's own entry
        """{"MESSAGE":"pod web started: 2 containers running","SYSLOG_IDENTIFIER":"podunits","MESSAGE_ID":"0b3c"}""",
    ];

    [Theory]
    [MemberData(nameof(OwnEntries))]
    public void PodUnitsOwnMessagesHaveNoContainerPrefixAndAreNotOneContainersLines(string json)
    {
        string message = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("MESSAGE").GetString()!;
        Assert.Equal(message + "\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: true))!));
        Assert.Null(LogsCommand.Render(json, new(Prefix: false)));
    }

    [Fact]
    public void OneContainersLinesAreMatchedByItsIdentifierToo() =>
        Assert.Equal(["_SYSTEMD_UNIT=pod@web.service", "POD_NAME=web", "CONTAINER_NAME=main", "SYSLOG_IDENTIFIER=main"],
            LogsCommand.Matches("web", "main", []).TakeWhile(m => m != "+"));

    [Fact]
    public void APodRunByAServiceOfTheHostsOwnIsMatchedUnderThatServiceFromRootOnly() =>
        Assert.Equal(
            ["_SYSTEMD_UNIT=pod@web.service", "POD_NAME=web", "+", @"_SYSTEMD_UNIT=podunits-web.scope", "POD_NAME=web",
             "+", "_SYSTEMD_UNIT=shop.service", "_UID=0", "POD_NAME=web",
             // Stage 0's last words, read by journald after it exited (journal review of 2026-12-06).
             "+", "OBJECT_SYSTEMD_UNIT=pod@web.service", "_UID=0"],
            LogsCommand.Matches("web", null, ["shop.service"]));

    [Fact]
    public void OneContainersLinesLeavePodUnitsOwnEntriesOut() =>
        Assert.DoesNotContain("OBJECT_SYSTEMD_UNIT=pod@web.service", LogsCommand.Matches("web", "main", []));

    [Theory]
    [InlineData("shop.service", true)]
    [InlineData(@"my\x2dapp@1.service", true)]
    [InlineData("session-3.scope", false)]
    [InlineData(".service", false)]
    [InlineData("x.service --since=1", false)]
    [InlineData("x.service\n+", false)]
    public void OnlyAServicesNameIsTakenFromTheRecord(string unit, bool taken) =>
        Assert.Equal(taken, PodUnits.Runtime.State.PodLogUnits.IsServiceName(unit));

    [Fact]
    public void TimestampsFollowTheContainerInUtcToTheMicrosecond()
    {
        const string json = """{"MESSAGE":"ready","CONTAINER_NAME":"db","SYSLOG_IDENTIFIER":"db","__REALTIME_TIMESTAMP":"1733300000123456"}""";
        Assert.Equal("db | 2024-12-04T08:13:20.123456Z ready\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: true, Timestamps: true))!));
        Assert.Equal("2024-12-04T08:13:20.123456Z ready\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: false, Timestamps: true))!));
    }

    /// <summary>Review of 2026-12-05: a line longer than a datagram holds reaches the journal
    /// as pieces; each was shown as a line of its own.</summary>
    [Fact]
    public void ThePiecesOfALongLineAreShownAsOneLineWhateverComesBetween()
    {
        var pieces = new LogsCommand.LinePieces();
        static string Piece(string container, string text, bool partial) =>
            "{\"MESSAGE\":\"" + text + "\",\"CONTAINER_NAME\":\"" + container + "\",\"SYSLOG_IDENTIFIER\":\"" + container + "\""
            + (partial ? ",\"CONTAINER_PARTIAL_MESSAGE\":\"true\"" : "") + "}";
        string? Show(string json) => LogsCommand.Render(json, new(Prefix: true), pieces) is { } line ? Encoding.UTF8.GetString(line) : null;
        Assert.Null(Show(Piece("web", "aaa", partial: true)));
        Assert.Equal("db | between\n", Show(Piece("db", "between", partial: false)));
        Assert.Null(Show(Piece("web", "bbb", partial: true)));
        Assert.Equal("web | aaabbbccc\n", Show(Piece("web", "ccc", partial: false)));
        Assert.Equal("web | next\n", Show(Piece("web", "next", partial: false)));
        Assert.Empty(pieces.TakeAll());
    }

    /// <summary>Logging review of 2026-12-07, finding 2: on the stream path (a one-container
    /// pod) journald cuts a line at LineMax= and marks the pieces _LINE_BREAK=line-max; they
    /// were shown as lines of their own. Its other marks end the line they are on.</summary>
    [Fact]
    public void ThePiecesJournaldCutAtLineMaxAreShownAsOneLine()
    {
        var pieces = new LogsCommand.LinePieces();
        static string Entry(string text, string? lineBreak) =>
            "{\"MESSAGE\":\"" + text + "\"" + (lineBreak is null ? "" : ",\"_LINE_BREAK\":\"" + lineBreak + "\"")
            + ",\"SYSLOG_IDENTIFIER\":\"main\",\"CONTAINER_NAME\":\"main\",\"PRIORITY\":\"6\"}";
        string? Show(string json) => LogsCommand.Render(json, new(Prefix: true), pieces) is { } line ? Encoding.UTF8.GetString(line) : null;
        Assert.Null(Show(Entry("aaa", "line-max")));
        Assert.Null(Show(Entry("bbb", "line-max")));
        Assert.Equal("main | aaabbbccc\n", Show(Entry("ccc", null)));
        Assert.Equal("main | unterminated\n", Show(Entry("unterminated", "eof")));
        Assert.Equal("main | a\n", Show(Entry("a", "nul")));
        Assert.Equal("main | b\n", Show(Entry("b", null)));
        Assert.Empty(pieces.TakeAll());
        // journalctl gives only the fields asked for.
        Assert.Contains("_LINE_BREAK", LogsCommand.OutputFields["--output-fields=".Length..].Split(','));
    }

    [Fact]
    public void AStderrLineBetweenThePiecesOfAStdoutLineIsNotPartOfIt()
    {
        var pieces = new LogsCommand.LinePieces();
        static string Entry(string text, int priority, bool partial) =>
            "{\"MESSAGE\":\"" + text + "\",\"PRIORITY\":\"" + priority.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + "\",\"CONTAINER_NAME\":\"app\",\"SYSLOG_IDENTIFIER\":\"app\"" + (partial ? ",\"CONTAINER_PARTIAL_MESSAGE\":\"true\"" : "") + "}";
        string? Show(string json) => LogsCommand.Render(json, new(Prefix: true), pieces) is { } line ? Encoding.UTF8.GetString(line) : null;
        Assert.Null(Show(Entry("first half, ", 6, partial: true)));
        Assert.Equal("app | slow query\n", Show(Entry("slow query", 3, partial: false)));
        Assert.Equal("app | first half, second half\n", Show(Entry("second half", 6, partial: false)));
    }

    [Fact]
    public void AContainerNameTheUnitAddsToAnotherContainersLinesIsNotTheirs()
    {
        // A unit generated for container "app" before "side" was added: journald adds
        // CONTAINER_NAME=app to side's lines too, and journalctl prints the two as an array.
        const string json = """{"MESSAGE":"from side","CONTAINER_NAME":["side","app"],"SYSLOG_IDENTIFIER":"side"}""";
        Assert.Equal("side | from side\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: true))!));
        Assert.Equal("from side\n", Encoding.UTF8.GetString(LogsCommand.Render(json, new(Prefix: false))!));
        // PodUnits' own entry with the unit's name only is still not a container's line.
        Assert.Null(LogsCommand.Render("""{"MESSAGE":"x","CONTAINER_NAME":["side","app"],"SYSLOG_IDENTIFIER":"podunits"}""", new(Prefix: false)));
    }
}

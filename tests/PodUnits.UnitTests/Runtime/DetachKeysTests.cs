using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Runtime.Attach;

namespace PodUnits.UnitTests.Runtime;

public sealed class DetachKeysTests
{
    private static (string Passed, bool Detached) Feed(DetachKeys.Matcher matcher, string typed)
    {
        var output = new List<byte>();
        bool detached = matcher.Feed(Encoding.Latin1.GetBytes(typed), output);
        return (Encoding.Latin1.GetString([.. output]), detached);
    }

    [Theory]
    [InlineData("ctrl-p,ctrl-q", new byte[] { 16, 17 })]
    [InlineData("ctrl-a,d", new byte[] { 1, (byte)'d' })]
    [InlineData("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", new byte[] { 0, 27, 28, 29, 30, 31 })]
    [InlineData("ctrl-z", new byte[] { 26 })]
    [InlineData("", new byte[0])]
    public void ParsesDockersNotation(string text, byte[] expected) =>
        Assert.Equal(expected, DetachKeys.Parse(text).Sequence.ToArray());

    [Theory]
    [InlineData("ctrl-")]
    [InlineData("ctrl-1")]
    [InlineData("ctrl-P")]
    [InlineData("ab")]
    [InlineData("ctrl-p,")]
    [InlineData(" ")]
    public void RefusesWhatIsNoKeyNamingIt(string text)
    {
        var e = Assert.Throws<BadInputException>(() => DetachKeys.Parse(text));
        Assert.Contains("--detach-keys", e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void TheDefaultIsPodmansCtrlPCtrlQ() =>
        Assert.Equal(new byte[] { 16, 17 }, DetachKeys.Parse(DetachKeys.Default).Sequence.ToArray());

    [Fact]
    public void TheSequenceDetachesAndIsNotPassedOnNorIsWhatFollowsIt()
    {
        var matcher = DetachKeys.Parse(DetachKeys.Default).NewMatcher();
        Assert.Equal(("ls\r", true), Feed(matcher, "ls\r\u0010\u0011more"));
    }

    [Fact]
    public void TheSequenceMaySpanReads()
    {
        var matcher = DetachKeys.Parse(DetachKeys.Default).NewMatcher();
        Assert.Equal(("a", false), Feed(matcher, "a\u0010")); // held back: it may begin the sequence
        Assert.Equal(("", true), Feed(matcher, "\u0011"));
    }

    [Fact]
    public void ABrokenBeginningIsPassedOnAfterAll()
    {
        var matcher = DetachKeys.Parse(DetachKeys.Default).NewMatcher();
        Assert.Equal(("", false), Feed(matcher, "\u0010"));
        Assert.Equal(("\u0010x", false), Feed(matcher, "x")); // Ctrl-P alone still reaches the program
    }

    [Fact]
    public void ARepeatedFirstKeyStartsTheSequenceAnew()
    {
        var matcher = DetachKeys.Parse(DetachKeys.Default).NewMatcher();
        Assert.Equal(("\u0010", true), Feed(matcher, "\u0010\u0010\u0011"));
    }

    /// <summary>Review of 2026-12-05: after a mismatch the matcher kept at most one byte, so a
    /// sequence whose start repeats was missed when typed with one key too many.</summary>
    [Theory]
    [InlineData("ctrl-p,ctrl-p,ctrl-q", "\u0010\u0010\u0010\u0011", "\u0010")]
    [InlineData("a,a,b", "aaab", "a")]
    [InlineData("a,b,a,c", "ababac", "ab")]
    public void ASequenceWhoseStartRepeatsIsFoundAfterAFalseStart(string keys, string typed, string passed)
    {
        var matcher = DetachKeys.Parse(keys).NewMatcher();
        Assert.Equal((passed, true), Feed(matcher, typed));
    }

    [Fact]
    public void AOneKeySequenceDetachesAtOnce()
    {
        var matcher = DetachKeys.Parse("ctrl-z").NewMatcher();
        Assert.Equal(("ab", true), Feed(matcher, "ab\u001ac"));
    }

    [Fact]
    public void AnEmptySequencePassesEverything()
    {
        var matcher = DetachKeys.Parse("").NewMatcher();
        Assert.Equal(("\u0010\u0011", false), Feed(matcher, "\u0010\u0011"));
    }
}

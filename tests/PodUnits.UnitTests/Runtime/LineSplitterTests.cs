using System.Text;
using PodUnits.Runtime.Logging;

namespace PodUnits.UnitTests.Runtime;

public sealed class LineSplitterTests
{
    private static List<(string Text, bool Partial)> Split(params string[] chunks)
    {
        var splitter = new LineSplitter();
        var result = new List<(string, bool)>();
        void Emit(ReadOnlySpan<byte> m, bool partial) => result.Add((Encoding.UTF8.GetString(m), partial));
        foreach (string chunk in chunks)
        {
            splitter.Feed(Encoding.UTF8.GetBytes(chunk), Emit);
        }
        splitter.Flush(Emit, partial: true);
        return result;
    }

    [Fact]
    public void LinesAcrossChunksKeepOrder() =>
        Assert.Equal([("one", false), ("two", false), ("three", false)], Split("on", "e\ntw", "o\nthree\n"));

    [Fact]
    public void EmptyLinesAreMessagesToo() =>
        Assert.Equal([("", false), ("a", false)], Split("\na\n"));

    [Fact]
    public void UnterminatedLastLineIsLoggedAsPartial() =>
        Assert.Equal([("done", false), ("no newline", true)], Split("done\nno newline"));

    [Fact]
    public void LongLineBecomesPiecesOf8KiBMarkedPartial()
    {
        string line = new string('x', (2 * LineSplitter.MaxPiece) + 5);
        var result = Split(line[..3000], line[3000..] + "\nnext\n");
        Assert.Equal(4, result.Count);
        Assert.Equal((new string('x', LineSplitter.MaxPiece), true), result[0]);
        Assert.Equal((new string('x', LineSplitter.MaxPiece), true), result[1]);
        Assert.Equal(("xxxxx", false), result[2]);
        Assert.Equal(("next", false), result[3]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void ALineFillingAPieceWhoseNewlineComesInTheNextReadIsOneMessage(int first)
    {
        string line = new string('y', LineSplitter.MaxPiece);
        Assert.Equal([(line, false), ("next", false)], Split(line[..first], line[first..], "\nnext\n"));
        Assert.Equal([(line, true), ("z", true)], Split(line, "z"));
        Assert.Equal([(line, true)], Split(line));
    }

    [Fact]
    public void LineOfExactlyMaxPieceIsOneCompleteMessage()
    {
        string line = new string('y', LineSplitter.MaxPiece);
        Assert.Equal([(line, false)], Split(line + "\n"));
    }

    [Fact]
    public void DiscardDropsTheUnterminatedRest()
    {
        var splitter = new LineSplitter();
        var result = new List<string>();
        void Emit(ReadOnlySpan<byte> m, bool partial) => result.Add(Encoding.UTF8.GetString(m));
        splitter.Feed("abc"u8, Emit);
        splitter.Discard();
        splitter.Feed("def\n"u8, Emit);
        Assert.Equal(["def"], result);
    }
}

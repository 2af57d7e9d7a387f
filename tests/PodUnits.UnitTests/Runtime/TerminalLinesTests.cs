using System.Text;
using PodUnits.Runtime.Attach;
using Xunit;

namespace PodUnits.UnitTests.Runtime;

public sealed class TerminalLinesTests
{
    [Theory]
    [InlineData(new[] { "one\r\ntwo\r\n" }, "one\ntwo\n")]
    [InlineData(new[] { "one\r", "\ntwo\r\n" }, "one\ntwo\n")] // CR LF split across two reads
    [InlineData(new[] { "50%\r100%\r\n" }, "50%\r100%\n")] // a progress bar's own CR stays
    [InlineData(new[] { "a\r", "b" }, "a\rb")]
    [InlineData(new[] { "a\r", "", "\n" }, "a\n")] // an empty read decides nothing
    [InlineData(new[] { "x\r\r\n" }, "x\r\n")]
    [InlineData(new[] { "end\r" }, "end\r")] // held back, then given at the end
    [InlineData(new[] { "no newline" }, "no newline")]
    public void CarriageReturnsBeforeLineFeedsGoAndEveryOtherByteStays(string[] reads, string expected)
    {
        var lines = new TerminalLines();
        var output = new StringBuilder();
        byte[] buffer = new byte[64];
        foreach (string read in reads)
        {
            int n = lines.Strip(Encoding.ASCII.GetBytes(read), buffer);
            output.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        output.Append(Encoding.ASCII.GetString(buffer, 0, lines.Finish(buffer)));

        Assert.Equal(expected, output.ToString());
    }
}

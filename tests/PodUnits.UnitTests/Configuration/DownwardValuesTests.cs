using PodUnits.Definitions;
using Xunit;

namespace PodUnits.UnitTests.Configuration;

/// <summary>
/// A downwardAPI volume's labels and annotations files, byte for byte as the kubelet writes
/// them: fmt.Sprintf("%v=%q\n"), Go's strconv.Quote (config review of 2026-12-07, finding 5).
/// </summary>
public class DownwardValuesTests
{
    [Fact]
    public void LabelsAreSortedKeyValueLinesWithoutAFinalNewline() =>
        Assert.Equal("app=\"web\"\ntier=\"front end\"",
            DownwardValues.KeyValueLines(new Dictionary<string, string>(StringComparer.Ordinal) { ["tier"] = "front end", ["app"] = "web" }));

    [Theory]
    // Go's output of strconv.Quote for each value (go1.23), written out.
    [InlineData("x\a\b\f\v\u0085\u2028\u00a0\u00e9", "\"x\\a\\b\\f\\v\\u0085\\u2028\\u00a0\u00e9\"")]
    [InlineData("say \"hi\"\\\n\r\t", "\"say \\\"hi\\\"\\\\\\n\\r\\t\"")]
    [InlineData("a\u0001\u007fb\u001b", "\"a\\x01\\x7fb\\x1b\"")]
    [InlineData("\u200b\u2029\u3000\ue000", "\"\\u200b\\u2029\\u3000\\ue000\"")] // Cf, Zp, Zs, Co
    [InlineData("\U0001F600 \U000E0001 \U000F0000", "\"\U0001F600 \\U000e0001 \\U000f0000\"")] // So, Cf, Co above the BMP
    [InlineData("caf\u00e9 \u65e5\u672c \u0301", "\"caf\u00e9 \u65e5\u672c \u0301\"")] // letters, marks: as they are
    public void ValuesAreQuotedAsGosStrconvQuote(string value, string quoted) =>
        Assert.Equal("a=" + quoted, DownwardValues.KeyValueLines(new Dictionary<string, string>(StringComparer.Ordinal) { ["a"] = value }));
}

using PodUnits.Core.Text;

namespace PodUnits.UnitTests.Core;

public sealed class CountedTests
{
    [Theory]
    [InlineData(0, "0 containers")]
    [InlineData(1, "1 container")]
    [InlineData(2, "2 containers")]
    public void TheNounFollowsTheCount(long count, string expected) => Assert.Equal(expected, Counted.Of(count, "container"));

    [Fact]
    public void AnIrregularPluralIsGiven() => Assert.Equal("3 entries", Counted.Of(3, "entry", "entries"));

    [Fact]
    public void TheNounAloneForANameListThatFollows()
    {
        Assert.Equal("plugin", Counted.Noun(1, "plugin"));
        Assert.Equal("plugins", Counted.Noun(2, "plugin"));
    }
}

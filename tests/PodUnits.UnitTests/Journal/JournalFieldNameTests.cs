using PodUnits.Journal;

namespace PodUnits.UnitTests.Journal;

public sealed class JournalFieldNameTests
{
    [Theory]
    [InlineData("MESSAGE", true)]
    [InlineData("A1_B", true)]
    [InlineData("", false)]
    [InlineData("_PID", false)]          // trusted fields are journald's
    [InlineData("1ABC", false)]          // no leading digit
    [InlineData("message", false)]
    [InlineData("POD-NAME", false)]
    [InlineData("ÄÖ", false)]
    public void IsValidFollowsJournald(string name, bool valid) => Assert.Equal(valid, JournalFieldName.IsValid(name));

    [Fact]
    public void SixtyFourCharactersIsTheLimit()
    {
        Assert.True(JournalFieldName.IsValid(new string('A', 64)));
        Assert.False(JournalFieldName.IsValid(new string('A', 65)));
        Assert.Equal(new string('A', 64), JournalFieldName.Normalise(new string('a', 100)));
    }

    [Theory]
    [InlineData("podName", "PODNAME")]
    [InlineData("pod-name.x", "POD_NAME_X")]
    [InlineData("_PID", "PID")]
    [InlineData("__-x", "X")]
    [InlineData("1st", "F_1ST")]
    [InlineData("-1a", "F_1A")]
    [InlineData("", "UNNAMED")]
    [InlineData("___", "UNNAMED")]
    [InlineData("größe", "GR__E")]
    public void NormaliseAlwaysGivesAValidName(string name, string expected)
    {
        string normalised = JournalFieldName.Normalise(name);
        Assert.Equal(expected, normalised);
        Assert.True(JournalFieldName.IsValid(normalised));
    }

    [Fact]
    public void CreateSaysWhenItNormalised()
    {
        Assert.False(JournalFieldName.Create("POD_NAME").WasNormalised);
        JournalFieldName renamed = JournalFieldName.Create("pod name");
        Assert.True(renamed.WasNormalised);
        Assert.Equal("POD_NAME", renamed.Name);
    }
}

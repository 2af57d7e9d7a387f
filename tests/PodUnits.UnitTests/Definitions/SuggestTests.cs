using PodUnits.Definitions.Parsing;

namespace PodUnits.UnitTests.Definitions;

/// <summary>"Did you mean": optimal string alignment distance up to three edits, within bounds
/// that keep a hostile definition from costing the boot's generator minutes (review of
/// 2026-12-05: 1,500 references to missing keys among 2,000 long ones).</summary>
public sealed class SuggestTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("abcd", "acbd", 1)]       // a transposition is one edit
    [InlineData("configmap", "confgimap", 1)]
    [InlineData("same", "same", 0)]
    [InlineData("", "abc", 3)]
    [InlineData("aaaa", "bbbb", int.MaxValue)] // four edits: never suggested
    [InlineData("abc", "abcdefg", int.MaxValue)]
    public void DistanceCountsUpToThreeEdits(string a, string b, int expected) =>
        Assert.Equal(expected, Suggest.Distance(a, b));

    [Fact]
    public void SuggestsTheClosestNameWithinItsBounds()
    {
        Assert.Equal("colour", Suggest.Closest("color", ["size", "colour", "shape"]));
        Assert.Null(Suggest.Closest("color", ["size", "shape"]));
        // Past 512 candidates, or for a name past 64 characters, no hint is looked for.
        Assert.Null(Suggest.Closest("key-0", Enumerable.Range(0, 513).Select(i => $"key-{i}")));
        Assert.Null(Suggest.Closest(new string('k', 65), [new string('k', 66)]));
    }
}

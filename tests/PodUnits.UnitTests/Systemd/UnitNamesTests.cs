using PodUnits.Core.Errors;
using PodUnits.Systemd.Naming;

namespace PodUnits.UnitTests.Systemd;

public sealed class UnitNamesTests
{
    [Theory]
    [InlineData("podunits", "web", "scope", "podunits-web.scope")]
    [InlineData("podunits-hello", "my-app", ".scope", "podunits-hello-my\\x2dapp.scope")]
    [InlineData("pod", "a/b c", "service", "pod-a-b\\x20c.service")]
    public void BuildEscapesTheVariablePart(string prefix, string value, string suffix, string expected)
    {
        string name = UnitNames.Build(prefix, value, suffix);
        Assert.Equal(expected, name);
        Assert.True(UnitNames.IsValid(name));
    }

    [Fact]
    public void BuildRefusesNamesOverTheSystemdLimit()
    {
        var e = Assert.Throws<BadInputException>(() => UnitNames.Build("podunits", new string('x', 250), "scope"));
        Assert.Contains("at most 255", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRefusesABadPrefix()
    {
        var e = Assert.Throws<BadInputException>(() => UnitNames.Build("pod units", "x", "scope"));
        Assert.Contains("found ' '", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pod@hello.service", true)]
    [InlineData("podunits-a\\x2db.scope", true)]
    [InlineData("x.scope", true)]
    [InlineData(".scope", false)]
    [InlineData("noscope", false)]
    [InlineData("x.unknown", false)]
    [InlineData("a b.scope", false)]
    [InlineData("", false)]
    public void IsValidFollowsSystemdUnitNameRules(string name, bool valid) =>
        Assert.Equal(valid, UnitNames.IsValid(name));
}

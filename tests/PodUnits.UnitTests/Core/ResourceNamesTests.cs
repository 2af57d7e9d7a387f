using PodUnits.Core.Naming;

namespace PodUnits.UnitTests.Core;

public sealed class ResourceNamesTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("a")]
    [InlineData("web-1")]
    [InlineData("0abc")]
    public void AcceptsDnsLabels(string name) => Assert.True(ResourceNames.IsValid(name));

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("Hello", "may contain only lowercase letters, digits and '-' (found 'H')")]
    [InlineData("a_b", "may contain only lowercase letters, digits and '-' (found '_')")]
    [InlineData("web\r", "may contain only lowercase letters, digits and '-' (found U+000D)")] // a CRLF file of names
    [InlineData("a b", "may contain only lowercase letters, digits and '-' (found U+0020)")]
    [InlineData("../etc", "may contain only lowercase letters, digits and '-' (found '.')")]
    [InlineData("-web", "must start and end with a letter or digit")]
    [InlineData("web-", "must start and end with a letter or digit")]
    public void RejectsOthersWithAReason(string name, string reason) => Assert.Equal(reason, ResourceNames.Explain(name));

    [Fact]
    public void RejectsNamesLongerThan63()
    {
        Assert.True(ResourceNames.IsValid(new string('a', 63)));
        Assert.Equal("must be at most 63 characters (has 64)", ResourceNames.Explain(new string('a', 64)));
    }
}

using PodUnits.Planning;

namespace PodUnits.UnitTests.Planning;

public sealed class Stage0Tests
{
    /// <summary>CLI review of 2026-12-06, finding 5: `podunits run web.yml` looked for the pod
    /// "web.yml"; .yml is a definition's extension as .yaml is.</summary>
    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1", true)]
    [InlineData("web.yaml", false)]
    [InlineData("web.yml", false)]
    [InlineData("./web", false)]
    [InlineData("/etc/podunits/pods/web.yaml", false)]
    public void AWordWithASlashOrADefinitionsExtensionIsAFile(string word, bool isName) =>
        Assert.Equal(isName, Stage0.IsPodName(word));
}

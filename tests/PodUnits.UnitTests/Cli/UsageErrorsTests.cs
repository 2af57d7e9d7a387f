using PodUnits.Cli;

namespace PodUnits.UnitTests.Cli;

/// <summary>Usage errors in the CLI's words: one line per problem, no .NET type names.</summary>
public sealed class UsageErrorsTests
{
    private static List<string> Problems(params string[] args) => UsageErrors.Describe(CliApp.BuildRoot().Parse(args));

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "image", "frob" }, "podunits image: unknown command 'frob'")]
    [InlineData(new[] { "list", "--output", "yaml" }, "--output: 'yaml' is not one of text, json")]
    [InlineData(new[] { "logs", "-n", "abc", "web" }, "--lines: 'abc' is not a whole number")]
    [InlineData(new[] { "logs" }, "podunits logs: missing NAME")]
    [InlineData(new[] { "list", "--frob" }, "podunits list: unexpected '--frob'")]
    public void EachProblemIsOneSentenceOfItsOwn(string[] args, string expected) => Assert.Equal([expected], Problems(args));

    [Fact]
    public void AMissingCommandListsTheChoices()
    {
        string problem = Assert.Single(Problems("image"));
        Assert.StartsWith("podunits image: which command? One of ", problem, StringComparison.Ordinal);
        Assert.Contains("import", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTypeNameOrSecondLineReachesTheUser()
    {
        foreach (string[] args in new[] { new[] { "list", "--output", "yaml" }, ["logs", "-n", "x", "w"], ["status", "a", "b"], ["frob"] })
        {
            Assert.All(Problems(args), p =>
            {
                Assert.DoesNotContain("System.", p, StringComparison.Ordinal);
                Assert.DoesNotContain("PodUnits.", p, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', p);
            });
        }
    }

    [Fact]
    public void TheHelpToReadIsTheVerbs() =>
        Assert.Equal("podunits secret create", UsageErrors.CommandPath(CliApp.BuildRoot().Parse(["secret", "create"]).CommandResult.Command));
}

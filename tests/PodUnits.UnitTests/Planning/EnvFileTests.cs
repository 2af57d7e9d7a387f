using PodUnits.Core.Errors;
using PodUnits.Planning.AdHoc;

namespace PodUnits.UnitTests.Planning;

/// <summary>`podunits run --env-file`, read as docker and podman read it.</summary>
public sealed class EnvFileTests
{
    [Fact]
    public void LinesAreTakenAsTheyAreCommentsSkippedABareNameFromTheCaller()
    {
        List<string> env = EnvFile.Parse(
            ["# settings", "", "A=1", "  B=\"quoted\" stays", "HOME", "UNSET", "C=x=y"], "app.env",
            name => name == "HOME" ? "/root" : null);
        Assert.Equal(["A=1", "B=\"quoted\" stays", "HOME=/root", "C=x=y"], env);
    }

    [Fact]
    public void ALineThatIsNeitherSaysWhere()
    {
        var e = Assert.Throws<BadInputException>(() => EnvFile.Parse(["A=1", "=2"], "app.env", _ => null));
        Assert.StartsWith("app.env:2: ", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BadInputException>(() => EnvFile.Parse(["NOT A NAME"], "app.env", _ => null));
        Assert.StartsWith("app.env:1: ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Review of 2026-12-05: the whole line was quoted, and with it the value of a
    /// line where a space was typed for '='.</summary>
    [Theory]
    [InlineData("DB_PASSWORD s3cr3t", "app.env:1: \"DB_PASSWORD ...\" is not NAME=VALUE or NAME (the rest of the line is not shown: it may be a value)")]
    [InlineData("=s3cr3t", "app.env:1: \"=...\" is not NAME=VALUE or NAME (the rest of the line is not shown: it may be a value)")]
    public void ABadLineIsNotQuotedWhole(string line, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => EnvFile.Parse([line], "app.env", _ => null));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void AMissingFileNamesIt()
    {
        var e = Assert.Throws<BadInputException>(() => EnvFile.Read("/nonexistent/app.env").ToList());
        Assert.Equal("--env-file /nonexistent/app.env: no such directory: /nonexistent (or one above it)", e.Message);
        e = Assert.Throws<BadInputException>(() => EnvFile.Read("/").ToList());
        Assert.Equal("--env-file /: is a directory, not a file", e.Message);
    }
}

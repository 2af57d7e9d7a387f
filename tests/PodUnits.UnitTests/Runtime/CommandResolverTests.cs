using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class CommandResolverTests
{
    // The four cases of kubernetes.io "Define a Command and Arguments for a Container".
    [Theory]
    [InlineData(null, null, "ep1 ep2 cmd1")]
    [InlineData("c1", null, "c1")]
    [InlineData(null, "a1 a2", "ep1 ep2 a1 a2")]
    [InlineData("c1", "a1", "c1 a1")]
    public void KubernetesCommandAndArgsAgainstImageConfig(string? command, string? args, string expected)
    {
        List<string> argv = CommandResolver.Argv(command?.Split(' '), args?.Split(' '), ["ep1", "ep2"], ["cmd1"]);
        Assert.Equal(expected, string.Join(' ', argv));
    }

    [Fact]
    public void PathLookupTakesTheFirstExecutableInPathOrder()
    {
        var present = new HashSet<string> { "/bin/sh", "/usr/bin/sh" };
        Assert.Equal("/usr/bin/sh", CommandResolver.Lookup("sh", "/usr/bin:/bin", present.Contains));
        Assert.Equal("/bin/sh", CommandResolver.Lookup("sh", "/bin:/usr/bin", present.Contains));
        Assert.Null(CommandResolver.Lookup("nope", "/bin", present.Contains));
    }

    [Fact]
    public void NameWithSlashIsNotSearched()
    {
        Assert.Equal("/bin/sh", CommandResolver.Lookup("/bin/sh", "/x", p => p == "/bin/sh"));
        Assert.Null(CommandResolver.Lookup("/no/such", "/bin", _ => false));
    }

    [Fact]
    public void PathComesFromTheLastPathVariable() =>
        Assert.Equal("/b", CommandResolver.PathOf(["PATH=/a", "X=1", "PATH=/b"]));
}

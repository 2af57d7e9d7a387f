using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class CommandResolverTests
{
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

using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class CommandResolverTests
{
    [Fact]
    public void PathLookupTakesTheFirstExecutableInPathOrder()
    {
        var present = new HashSet<string> { "/bin/sh", "/usr/bin/sh" };
        Assert.Equal("/usr/bin/sh", CommandResolver.Lookup("sh", "/usr/bin:/bin", "/", present.Contains));
        Assert.Equal("/bin/sh", CommandResolver.Lookup("sh", "/bin:/usr/bin", "/", present.Contains));
        Assert.Null(CommandResolver.Lookup("nope", "/bin", "/", present.Contains));
    }

    [Fact]
    public void NameWithSlashIsNotSearched()
    {
        Assert.Equal("/bin/sh", CommandResolver.Lookup("/bin/sh", "/x", "/app", p => p == "/bin/sh"));
        Assert.Null(CommandResolver.Lookup("/no/such", "/bin", "/", _ => false));
    }

    [Fact]
    public void ARelativeNameIsCheckedInTheWorkingDirectoryAndReturnedAsGiven()
    {
        // Stage 1 native review of 2026-12-07, finding 4: runc's chdir comes before its LookPath.
        Assert.Equal("./server", CommandResolver.Lookup("./server", "/bin", "/app", p => p == "/app/./server"));
        Assert.Null(CommandResolver.Lookup("./server", "/bin", "/app", p => p == "/./server"));
        Assert.Equal("bin/app", CommandResolver.Lookup("bin/app", "/bin", "/srv/", p => p == "/srv/bin/app"));
        // A relative PATH entry, and an empty one (".").
        Assert.Equal("tools/x", CommandResolver.Lookup("x", "/bin:tools", "/w", p => p == "/w/tools/x"));
        Assert.Equal("./x", CommandResolver.Lookup("x", "/bin:", "/w", p => p == "/w/./x"));
        Assert.Equal("/./x", CommandResolver.InWorkingDirectory("./x", "/"));
        Assert.Equal("/abs", CommandResolver.InWorkingDirectory("/abs", "/w"));
    }

    [Fact]
    public void PathComesFromTheLastPathVariable() =>
        Assert.Equal("/b", CommandResolver.PathOf(["PATH=/a", "X=1", "PATH=/b"]));
}

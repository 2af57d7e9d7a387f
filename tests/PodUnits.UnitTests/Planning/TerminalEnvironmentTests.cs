using PodUnits.Planning.AdHoc;

namespace PodUnits.UnitTests.Planning;

/// <summary>`run -it`'s TERM (interactive review of 2026-12-07, finding 3).</summary>
public sealed class TerminalEnvironmentTests
{
    [Fact]
    public void XtermIsAddedWhenNothingSetsTerm()
    {
        List<string> env = ["PATH=/bin", "HOSTNAME=p", "TERMINFO=/x", "HOME=/root"];
        TerminalEnvironment.AddTerm(env);
        Assert.Equal(["PATH=/bin", "HOSTNAME=p", "TERMINFO=/x", "HOME=/root", "TERM=xterm"], env);
    }

    [Theory]
    [InlineData("TERM=vt100")]
    [InlineData("TERM=")]
    public void TheImagesOrTheCallersTermWins(string own)
    {
        List<string> env = ["PATH=/bin", own];
        TerminalEnvironment.AddTerm(env);
        Assert.Equal(["PATH=/bin", own], env);
    }
}

using System.Text.Json.Nodes;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CniPlugin: finding a plugin's executable, and the one-line error a failed plugin gives.</summary>
public sealed class CniPluginTests
{

    [Fact]
    public void ErrorObjectGivesMessageDetailsAndCode()
    {
        string stdout = """{"cniVersion": "1.0.0", "code": 7, "msg": "failed to allocate for range 0", "details": "no IP addresses available\nin range set"}""";
        Assert.Equal("failed to allocate for range 0: no IP addresses available in range set (CNI error 7)",
            CniPlugin.ErrorText(stdout, "ignored on stderr\n", 1));
    }

    [Theory]
    [InlineData("""{"msg": "bridge lab0 not found"}""", "bridge lab0 not found")]
    [InlineData("""{"msg": "bridge lab0 not found", "details": ""}""", "bridge lab0 not found")]
    [InlineData("""{"msg": "bridge lab0 not found", "code": 11}""", "bridge lab0 not found (CNI error 11)")]
    [InlineData("""{"msg": "two\r\nlines\n"}""", "two lines")]
    [InlineData("""{"msg": "busy", "code": "eleven"}""", "busy")]
    public void ErrorObjectVariants(string stdout, string expected)
    {
        Assert.Equal(expected, CniPlugin.ErrorText(stdout, "", 1));
    }

    [Fact]
    public void WithoutAnErrorObjectTheLastLineOfStderrIsTheMessage()
    {
        Assert.Equal("iptables: Resource temporarily unavailable.",
            CniPlugin.ErrorText("", "some progress\n  iptables: Resource temporarily unavailable.  \n\n", 1));
        Assert.Equal("panic: boom", CniPlugin.ErrorText("not json", "panic: boom\n", 2));
        // An object without msg is not an error object either.
        Assert.Equal("last words", CniPlugin.ErrorText("""{"cniVersion": "1.0.0"}""", "first\nlast words", 1));
    }

    [Fact]
    public void WithoutStderrTheLastLineOfStdoutIsTheMessage()
    {
        Assert.Equal("second line", CniPlugin.ErrorText("first line\nsecond line\n", "", 1));
    }

    [Fact]
    public void WithNoOutputAtAllTheExitStatusIsTheMessage()
    {
        Assert.Equal("exit status 3, no message", CniPlugin.ErrorText("", "", 3));
        Assert.Equal("exit status 1, no message", CniPlugin.ErrorText(" \n", "\n\t\n", 1));
    }

    [Theory]
    [InlineData("""{"msg": 5}""")]
    [InlineData("""{"msg": "failed", "details": {"reason": "x"}}""")]
    [InlineData("""{"msg": "failed", "details": 3}""")]
    [InlineData("""{"msg": null, "details": 3}""")]
    [InlineData("""[{"msg": "not an object"}]""")]
    public void AMalformedErrorObjectDoesNotHideTheFailure(string stdout)
    {
        // The plugin failed; whatever it printed, ErrorText must give a message, not throw
        // (RunAsync would otherwise report an InvalidOperationException instead of the failure).
        Exception? e = Record.Exception(() => CniPlugin.ErrorText(stdout, "stderr line", 1));
        Assert.Null(e);
    }

    [Fact]
    public void FindTakesTheFirstDirectoryThatHasThePlugin()
    {
        using var dir = new TempDir();
        string first = dir.Dir("first"), second = dir.Dir("second"), missing = System.IO.Path.Join(dir.Path, "missing");
        dir.Write("second/bridge", "");
        dir.Write("first/portmap", "");
        dir.Write("second/portmap", "");
        dir.Dir("first/loopback"); // a directory is not a plugin
        string[] dirs = [missing, first, second];
        Assert.Equal($"{second}/bridge", CniPlugin.Find("bridge", dirs));
        Assert.Equal($"{first}/portmap", CniPlugin.Find("portmap", dirs));
        Assert.Null(CniPlugin.Find("loopback", dirs));
        Assert.Null(CniPlugin.Find("firewall", dirs));
        Assert.Null(CniPlugin.Find("bridge", []));
    }

    [Fact]
    public void DefaultDirsAreDebiansFedorasAndUpstreams()
    {
        Assert.Equal(["/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin"], CniPlugin.DefaultDirs);
    }

    [Fact]
    public void AMasterTheHostLacksIsNamedAfterThePluginsOwnWords()
    {
        using var dir = new TempDir();
        string net = dir.Dir("net");
        Directory.CreateDirectory(System.IO.Path.Join(net, "eth0"));
        JsonObject Config(string master) => new() { ["type"] = "macvlan", ["master"] = master };

        Assert.Equal("; its master eth9 is no network interface of this host", CniPlugin.MissingMaster(Config("eth9"), net));
        Assert.Equal("", CniPlugin.MissingMaster(Config("eth0"), net));
        Assert.Equal("", CniPlugin.MissingMaster(new JsonObject { ["type"] = "bridge" }, net));
        // Never a path outside the directory.
        Assert.Equal("; its master ../net is no network interface of this host", CniPlugin.MissingMaster(Config("../net"), net));
        Assert.Equal("; its master .. is no network interface of this host", CniPlugin.MissingMaster(Config(".."), net));
    }
}

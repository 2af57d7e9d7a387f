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

    /// <summary>CI of 2026-12-05: a plugin that failed before reading its stdin made the write
    /// of its configuration fail with EPIPE, and the executor died of an "internal error: Broken
    /// pipe" instead of reporting the plugin's own error. A configuration larger than a pipe's
    /// buffer makes the closed pipe certain, not a race.</summary>
    [Theory]
    [InlineData(1, """echo '{"cniVersion":"1.0.0","code":11,"msg":"master gone"}'""", "DEL failed: master gone (CNI error 11)")]
    [InlineData(0, "", null)]
    public async Task APluginThatExitsWithoutReadingItsConfigurationIsJudgedByItsExitStatus(int status, string output, string? error)
    {
        using var dir = new TempDir();
        string bin = dir.Dir("bin");
        string plugin = dir.Write("bin/unread", $"#!/bin/sh\n{output}\nexit {status}\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        CniConfigList network = CniConfigList.Parse("/etc/podunits/net.d/lab.conflist",
            """{"name": "lab", "cniVersion": "1.0.0", "plugins": [{"type": "unread"}]}""");
        var config = new JsonObject { ["type"] = "unread", ["padding"] = new string('x', 1 << 20) };
        var attachment = new CniAttachment("0011", "/run/podunits/netns/web", "eth0", []);

        Task<JsonObject?> run = CniPlugin.RunAsync("DEL", network, 0, config, attachment, [bin], CancellationToken.None);
        if (error is null)
        {
            Assert.Null(await run);
        }
        else
        {
            var e = await Assert.ThrowsAsync<PodUnits.Core.Errors.PodUnitsException>(() => run);
            Assert.Contains(error, e.Message, StringComparison.Ordinal);
            Assert.Contains("plugin unread", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Network review of 2026-12-06, finding 3: a plugin file without its x bit
    /// (or on a noexec mount) threw .NET's Win32Exception, which no release path caught: a
    /// start that had to DEL with it failed, gc aborted. Now a PodUnitsException naming it.</summary>
    [Fact]
    public async Task APluginThatCannotBeExecutedIsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        string bin = dir.Dir("bin");
        dir.Write("bin/noexec", "#!/bin/sh\nexit 0\n");
        CniConfigList network = CniConfigList.Parse("/etc/podunits/net.d/lab.conflist",
            """{"name": "lab", "cniVersion": "1.0.0", "plugins": [{"type": "noexec"}]}""");
        var attachment = new CniAttachment("0011", "/run/podunits/netns/web", "eth0", []);

        var e = await Assert.ThrowsAsync<PodUnits.Core.Errors.PodUnitsException>(() =>
            CniPlugin.RunAsync("DEL", network, 0, new JsonObject { ["type"] = "noexec" }, attachment, [bin], CancellationToken.None));

        Assert.StartsWith("network lab (/etc/podunits/net.d/lab.conflist): plugin noexec: could not be started: Permission denied", e.Message, StringComparison.Ordinal);
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

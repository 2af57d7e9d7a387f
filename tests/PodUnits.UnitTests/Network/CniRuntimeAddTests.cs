using System.Text.Json.Nodes;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CNI ADD's cache entry while the chain runs: a DEL after a crash in its middle
/// must get the result so far as prevResult, or the firewall plugin, which finds the pod's
/// addresses only there, removes none of its rules. The plugins are shell scripts.</summary>
public sealed class CniRuntimeAddTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Plugin(string name, string script)
    {
        string path = _dir.Write($"plugins/{name}", "#!/bin/sh\n" + script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task EachPluginsResultIsCachedBeforeTheNextRuns()
    {
        string cache = _dir.Dir("cache");
        string seen = System.IO.Path.Join(_dir.Path, "seen");
        Plugin("addr", """cat >/dev/null; echo '{"cniVersion": "1.0.0", "ips": [{"address": "10.9.0.2/24"}]}'""" + "\n");
        // What a crash here would leave for gc: the cache entry as the second plugin runs.
        Plugin("rules", $"cat >/dev/null; cat {cache}/* > {seen}; " + """echo '{"cniVersion": "1.0.0", "ips": [{"address": "10.9.0.2/24"}], "dns": {}}'""" + "\n");
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(cache));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "addr"}, {"type": "rules"}]}""");
        var attachment = new CniAttachment("abc123", "/run/netns/x", "eth0", []);

        CniResult result = await runtime.AddAsync("web", network, attachment, new Dictionary<string, JsonNode>(), CancellationToken.None);

        var during = JsonNode.Parse(File.ReadAllText(seen))!.AsObject();
        Assert.Equal("10.9.0.2/24", during["result"]?["ips"]?[0]?["address"]?.GetValue<string>());
        Assert.Equal(1, during["failedPlugin"]?.GetValue<int>()); // "rules" may not have finished
        var after = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(cache).Single()))!.AsObject();
        Assert.NotNull(after["result"]?["dns"]);
        Assert.Null(after["failedPlugin"]);
        Assert.NotNull(result.Json["dns"]);
    }
}

using System.Text.Json.Nodes;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>CNI ADD's cache entry while the chain runs: a DEL after a crash in its middle
/// must get the result so far as prevResult, or the firewall plugin, which finds the pod's
/// addresses only there, removes none of its rules. And an ADD given up on (the pod stops
/// while a plugin hangs). The plugins are shell scripts.</summary>
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
        string seenFirst = System.IO.Path.Join(_dir.Path, "seen-first");
        Plugin("addr", $"cat >/dev/null; cat {cache}/* > {seenFirst}; " + """echo '{"cniVersion": "1.0.0", "ips": [{"address": "10.9.0.2/24"}]}'""" + "\n");
        // What a crash here would leave for gc: the cache entry as the second plugin runs.
        Plugin("rules", $"cat >/dev/null; cat {cache}/* > {seen}; " + """echo '{"cniVersion": "1.0.0", "ips": [{"address": "10.9.0.2/24"}], "dns": {}}'""" + "\n");
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(cache));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "addr"}, {"type": "rules"}]}""");
        var attachment = new CniAttachment("abc123", "/run/netns/x", "eth0", []);

        CniResult result = await runtime.AddAsync("web", network, attachment, new Dictionary<string, JsonNode>(), CancellationToken.None);

        var first = JsonNode.Parse(File.ReadAllText(seenFirst))!.AsObject();
        Assert.Null(first["result"]);
        Assert.Equal(0, first["failedPlugin"]?.GetValue<int>()); // not even "addr" may have finished
        var during = JsonNode.Parse(File.ReadAllText(seen))!.AsObject();
        Assert.Equal("10.9.0.2/24", during["result"]?["ips"]?[0]?["address"]?.GetValue<string>());
        Assert.Equal(1, during["failedPlugin"]?.GetValue<int>()); // "rules" may not have finished
        var after = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(cache).Single()))!.AsObject();
        Assert.NotNull(after["result"]?["dns"]);
        Assert.Null(after["failedPlugin"]);
        Assert.NotNull(result.Json["dns"]);
    }

    [Fact]
    public async Task ACancelledAddKillsTheRunningPluginAndUndoesWhatRanBefore()
    {
        string cache = _dir.Dir("cache");
        string log = System.IO.Path.Join(_dir.Path, "log");
        string asleep = System.IO.Path.Join(_dir.Path, "asleep");
        Plugin("addr", $"cat >/dev/null; echo \"addr $CNI_COMMAND\" >> {log}; " + """echo '{"cniVersion": "1.0.0", "ips": [{"address": "10.9.0.2/24"}]}'""" + "\n");
        // Hangs in ADD, as a plugin waiting for a lock or a lease would; its child too.
        Plugin("hang", $"cat >/dev/null; echo \"hang $CNI_COMMAND\" >> {log}; [ \"$CNI_COMMAND\" != ADD ] && exit 0; sleep 600 & echo $! > {asleep}; wait\n");
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(cache));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "addr"}, {"type": "hang"}]}""");
        var attachment = new CniAttachment("abc123", "/run/netns/x", "eth0", []);
        var running = new List<string>();
        using var stop = new CancellationTokenSource();

        Task<CniResult> adding = runtime.AddAsync("web", network, attachment, new Dictionary<string, JsonNode>(), stop.Token, running.Add);
        for (int i = 0; i < 500 && !File.Exists(asleep); i++)
        {
            await Task.Delay(20);
        }
        Assert.True(File.Exists(asleep), "the hanging plugin never started");
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => adding);
        Assert.Equal(["addr", "hang"], running);
        Assert.False(Alive(File.ReadAllText(asleep).Trim()), "the plugin's child outlived it");
        // Undone as a failed ADD is: DEL of the whole list in reverse, then no cache entry.
        Assert.Equal(["addr ADD", "hang ADD", "hang DEL", "addr DEL"], File.ReadAllLines(log));
        Assert.Empty(Directory.GetFiles(cache));
    }

    /// <summary>Network review of 2026-12-07, finding 3: a DEL that went on after a plugin
    /// failed gave the address back (bridge, host-local) while the failed plugin's rules still
    /// pointed at it. The CNI spec says the list MUST stop: the plugins before the failed one
    /// keep theirs, and the cache entry stays for the next release.</summary>
    [Fact]
    public async Task ADelStopsAtThePluginThatFailsAndKeepsTheEntry()
    {
        string cache = _dir.Dir("cache");
        string log = System.IO.Path.Join(_dir.Path, "log");
        string[] types = ["bridge", "portmap", "firewall"];
        foreach (string type in types)
        {
            string fails = type == "portmap" ? "[ \"$CNI_COMMAND\" = DEL ] && { echo 'xtables lock' >&2; exit 1; }; " : "";
            Plugin(type, $"cat >/dev/null; echo \"{type} $CNI_COMMAND\" >> {log}; {fails}" + """echo '{"cniVersion": "1.0.0"}'""" + "\n");
        }
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(cache));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "bridge"}, {"type": "portmap"}, {"type": "firewall"}]}""");
        await runtime.AddAsync("web", network, new CniAttachment("abc123", "/run/netns/x", "eth0", []), new Dictionary<string, JsonNode>(), CancellationToken.None);
        CniCacheEntry entry = runtime.Cache.ReadAll().Single();

        await Assert.ThrowsAsync<PodUnits.Core.Errors.PodUnitsException>(() => runtime.DeleteAsync(entry, "/run/netns/x", CancellationToken.None));

        Assert.Equal(["bridge ADD", "portmap ADD", "firewall ADD", "firewall DEL", "portmap DEL"], File.ReadAllLines(log)); // no bridge DEL
        Assert.Single(Directory.GetFiles(cache));
    }

    /// <summary>The undo of a failed ADD is not stopped by the DEL errors of the plugin that
    /// failed and those after it, which never ran: every plugin before it still gets its DEL.</summary>
    [Fact]
    public async Task TheUndoOfAFailedAddRunsEveryDelDespiteThePluginsThatNeverRan()
    {
        string cache = _dir.Dir("cache");
        string log = System.IO.Path.Join(_dir.Path, "log");
        Plugin("addr", $"cat >/dev/null; echo \"addr $CNI_COMMAND\" >> {log}; " + """echo '{"cniVersion": "1.0.0", "ips": [{"address": "10.9.0.2/24"}]}'""" + "\n");
        // Fails its ADD and its DEL, as Debian's macvlan does without its master.
        Plugin("broken", $"cat >/dev/null; echo \"broken $CNI_COMMAND\" >> {log}; echo 'Link not found' >&2; exit 1\n");
        Plugin("after", $"cat >/dev/null; echo \"after $CNI_COMMAND\" >> {log}; [ \"$CNI_COMMAND\" = DEL ] && exit 1; exit 0\n");
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(cache));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "addr"}, {"type": "broken"}, {"type": "after"}]}""");

        await Assert.ThrowsAsync<PodUnits.Core.Errors.PodUnitsException>(() => runtime.AddAsync("web", network,
            new CniAttachment("abc123", "/run/netns/x", "eth0", []), new Dictionary<string, JsonNode>(), CancellationToken.None));

        Assert.Equal(["addr ADD", "broken ADD", "after DEL", "broken DEL", "addr DEL"], File.ReadAllLines(log));
        Assert.Empty(Directory.GetFiles(cache));
    }

    /// <summary>Merged network review of 2026-12-07, finding 2: a DEL of an attachment whose ADD
    /// was killed in its first plugin swallowed the cancellation as one of the errors a plugin
    /// that never ran may give, and deleted the entry, the only record of the lease.</summary>
    [Fact]
    public async Task ACancelledDelOfAKilledAddKeepsTheEntry()
    {
        string cache = _dir.Dir("cache");
        Plugin("bridge", "cat >/dev/null; [ \"$CNI_COMMAND\" = DEL ] && exec sleep 5; " + """echo '{"cniVersion": "1.0.0"}'""" + "\n");
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(cache));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "bridge"}]}""");
        // What an executor killed during the bridge's ADD leaves.
        runtime.Cache.Write("web", network, new CniAttachment("abc123", "", "eth0", []), new Dictionary<string, JsonNode>(), result: null, failedPlugin: 0);
        CniCacheEntry entry = runtime.Cache.ReadAll().Single();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runtime.DeleteAsync(entry, "", stop.Token));

        Assert.True(File.Exists(entry.Path), "the entry went with a DEL that never ran");
    }

    /// <summary>Running or asleep: neither gone nor a zombie (it is not this process's child to reap).</summary>
    private static bool Alive(string pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task AnAddCancelledBeforeItBeganRunsNoPluginsAdd()
    {
        string log = System.IO.Path.Join(_dir.Path, "log");
        Plugin("addr", $"cat >/dev/null; echo \"addr $CNI_COMMAND\" >> {log}\n");
        var runtime = new CniRuntime([System.IO.Path.Join(_dir.Path, "plugins")], new CniCache(_dir.Dir("cache")));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "addr"}]}""");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runtime.AddAsync("web", network,
            new CniAttachment("abc123", "/run/netns/x", "eth0", []), new Dictionary<string, JsonNode>(), new CancellationToken(canceled: true)));

        Assert.DoesNotContain("addr ADD", File.Exists(log) ? File.ReadAllLines(log) : []);
    }
}

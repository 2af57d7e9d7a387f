using System.Text.Json.Nodes;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.UnitTests.Network;

/// <summary>
/// Merged network review of 2026-12-07, finding 1: an earlier run's attachment whose DEL fails
/// at the next start may stay for a later try, but lost its namespace: DEL stops at the failed
/// plugin, so the bridge's DEL, which removes its masquerade rule only when it can read the
/// address off the interface, then never got it. A start on the host's network keeps the pin;
/// one on a CNI network, which needs the pin's name, keeps the namespace aside for the retry.
/// The plugins are shell scripts, the pin a plain file bound as a namespace would be. Runs as
/// root, as CI does (the pins are in /run/podunits/netns).
/// </summary>
public sealed class PodNetworkKeptReleaseTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _pod = $"unit-test-netns-{Guid.NewGuid():N}"[..32];
    private readonly string _id = $"{Guid.NewGuid():N}-0a0b0c0d";
    private readonly string _log;
    private readonly string _failing;
    private readonly CniRuntime _runtime;

    public PodNetworkKeptReleaseTests()
    {
        _log = Path.Join(_dir.Path, "log");
        _failing = Path.Join(_dir.Path, "firewall-fails");
        foreach (string type in new[] { "bridge", "firewall" })
        {
            // The last plugin's DEL fails while the marker is there (firewalld reloading).
            string fails = type == "firewall" ? $"[ \"$CNI_COMMAND\" = DEL ] && [ -e {_failing} ] && {{ echo 'xtables lock' >&2; exit 1; }}; " : "";
            string path = _dir.Write($"plugins/{type}", $"#!/bin/sh\ncat >/dev/null; echo \"{type} $CNI_COMMAND $CNI_NETNS\" >> {_log}; {fails}exit 0\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _runtime = new CniRuntime([Path.Join(_dir.Path, "plugins")], new CniCache(_dir.Dir("cache")));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "bridge"}, {"type": "firewall"}]}""");
        // What a killed executor leaves: its finished attachment, and its pin.
        _runtime.Cache.Write(_pod, network, new CniAttachment(_id, "", "eth0", []), new Dictionary<string, JsonNode>(), result: null);
        Directory.CreateDirectory(NetnsPins.Dir);
        Directory.CreateDirectory(NetnsPins.OwnersDir);
        File.WriteAllText(NetnsPins.PathOf(_pod), "the old namespace");
        File.WriteAllText($"{NetnsPins.OwnersDir}/{_pod}", _id + "\n");
        File.WriteAllText(_failing, "");
    }

    public void Dispose()
    {
        NetnsPins.UnpinKept(_pod, _id);
        NetnsPins.Unpin(_pod);
        _dir.Dispose();
    }

    private string[] Log() => File.Exists(_log) ? File.ReadAllLines(_log) : [];

    [Fact]
    public async Task AStartOnTheHostsNetworkKeepsTheKeptAttachmentsPin()
    {
        await PodNetwork.ReleaseOwnAsync(_runtime, _pod, []);

        Assert.Equal([$"firewall DEL {NetnsPins.PathOf(_pod)}"], Log()); // no bridge DEL
        Assert.Single(_runtime.Cache.ReadAll());
        Assert.True(NetnsPins.Exists(_pod), "the kept attachment lost its namespace");
        Assert.Equal(_id, NetnsPins.OwnerOf(_pod));
    }

    [Fact]
    public async Task AStartOnACniNetworkKeepsTheNamespaceAsideForTheRetry()
    {
        await PodNetwork.ReleaseOwnAsync(_runtime, _pod, [], [.. _runtime.Cache.ReadAll()], pinReused: true, CancellationToken.None);
        NetnsPins.Unpin(_pod); // as NetnsPins.Create does before pinning the new run's
        string? kept = NetnsPins.KeptOf(_id);

        Assert.NotNull(kept);
        Assert.Equal("the old namespace", File.ReadAllText(kept));
        Assert.Single(_runtime.Cache.ReadAll());

        // gc, or the pod's stop, once the plugin works again: the whole list in that namespace.
        File.Delete(_failing);
        await PodNetwork.ReleaseLeftoversAsync(_runtime, _pod, CancellationToken.None);

        Assert.Equal([$"firewall DEL {NetnsPins.PathOf(_pod)}", $"firewall DEL {kept}", $"bridge DEL {kept}"], Log());
        Assert.Empty(_runtime.Cache.ReadAll());
        Assert.Null(NetnsPins.KeptOf(_id));
    }
}

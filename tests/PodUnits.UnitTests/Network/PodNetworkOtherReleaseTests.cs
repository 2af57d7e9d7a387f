using System.Text.Json.Nodes;
using PodUnits.Core.Native;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Network;

/// <summary>
/// Merged network review of 2026-12-07, finding 6: a start whose port a dead pod's attachment
/// still maps went on without a word when the dead pod's name was held, by gc, `podunits stop`
/// or another start releasing its network as much as by a run; when that release failed, the
/// dead pod's DNAT rules stayed in front of the start's. It now waits for such a release and
/// tries again. An exclusive lock of another descriptor stands in for gc. Runs as root, as CI
/// does (the claims are in /run/podunits/state).
/// </summary>
public sealed class PodNetworkOtherReleaseTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _dead = $"unit-test-dead-{Guid.NewGuid():N}"[..32];
    private readonly string _log;
    private readonly CniRuntime _runtime;
    private int _holder = -1;

    public PodNetworkOtherReleaseTests()
    {
        _log = Path.Join(_dir.Path, "log");
        string plugin = _dir.Write("plugins/portmap", $"#!/bin/sh\ncat >/dev/null; echo \"portmap $CNI_COMMAND\" >> {_log}; exit 0\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _runtime = new CniRuntime([Path.Join(_dir.Path, "plugins")], new CniCache(_dir.Dir("cache")));
        CniConfigList network = CniConfigList.Parse("lab.conflist",
            """{"cniVersion": "1.0.0", "name": "lab", "plugins": [{"type": "portmap", "capabilities": {"portMappings": true}}]}""");
        var mappings = new JsonArray(new JsonObject { ["hostPort"] = 18180, ["containerPort"] = 80, ["protocol"] = "tcp" });
        _runtime.Cache.Write(_dead, network, new CniAttachment($"{Guid.NewGuid():N}-0a0b0c0d", "", "eth0", []),
            new Dictionary<string, JsonNode> { ["portMappings"] = mappings }, result: null);
        // gc releasing the dead pod's network: its name held for the whole DEL.
        PodPaths.CreateRuntimeRoot();
        _holder = LibcExtra.open(PodClaim.LockPath(_dead), LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_CLOEXEC, 0x180);
        Assert.True(_holder >= 0);
        Assert.Equal(0, LibcExtra.flock(_holder, LibcExtra.LOCK_EX | LibcExtra.LOCK_NB));
    }

    public void Dispose()
    {
        LetGo();
        PodClaim.TryCollect(_dead);
        _dir.Dispose();
    }

    private void LetGo()
    {
        if (_holder >= 0)
        {
            LibcExtra.close(_holder);
            _holder = -1;
        }
    }

    private static readonly PortMappingPlan Port = new() { HostPort = 18180, ContainerPort = 8080, Protocol = "tcp", HostIP = "" };

    [Fact]
    public async Task AReleaseThatHoldsTheNameTooLongFailsTheStartNamingThePod()
    {
        var e = await Assert.ThrowsAsync<PodUnits.Core.Errors.PodUnitsException>(() =>
            PodNetwork.ReleaseCrashedHoldersAsync(_runtime, "b", [Port], null, TimeSpan.FromMilliseconds(300), null, CancellationToken.None));

        Assert.Contains($"pod {_dead}", e.Message, StringComparison.Ordinal);
        Assert.Single(_runtime.Cache.ReadAll());
    }

    [Fact]
    public async Task AReleaseThatLetsGoIsFollowedByThisStartsOwn()
    {
        var said = new List<string>();
        Task releasing = PodNetwork.ReleaseCrashedHoldersAsync(_runtime, "b", [Port], null, TimeSpan.FromSeconds(30), said.Add, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(releasing.IsCompleted, "the start went on while another release held the dead pod's name");
        // The unit's status says what the start waits for, not only "preparing".
        Assert.Equal([$"waiting for another release of pod {_dead}'s network (it maps a hostPort of this pod's)"], said);
        LetGo(); // gc's DEL failed and it gave up

        await releasing;

        Assert.Equal(["portmap DEL"], File.ReadAllLines(_log));
        Assert.Empty(_runtime.Cache.ReadAll());
    }
}

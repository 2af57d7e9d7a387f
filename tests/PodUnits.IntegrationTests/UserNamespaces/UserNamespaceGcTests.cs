using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>A pod keeps its ID range while its definition or its state exists, stopped or not
/// (its files on disk are owned by the range); `podunits gc` releases it once both are gone.</summary>
[Collection(HostWideGc.Name)]
public sealed class UserNamespaceGcTests
{
    [Fact]
    public void GcReleasesTheRangeOfAPodWhoseDefinitionIsGone()
    {
        const string name = "userns-gc";
        string range = $"/var/lib/podunits/userns/{name}";
        string state = $"/var/lib/podunits/pods/{name}";
        using (var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraSpecYaml: "  hostUsers: false")))
        {
            pod.Start();
            string first = File.ReadAllText(range).Split(' ')[0];
            Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
            var kept = PodHarness.Run("podunits", "gc");
            Assert.True(kept.Code == 0, kept.Output);
            Assert.True(File.Exists(range), "gc released the range of a pod whose definition exists");
            // User-namespace review of 2026-12-07, finding 4: the definition removed, its state
            // stays (packaging.md) with files of the range's first ID (the writable layer):
            // the range stays with them, and gc says where they are.
            File.Delete($"/etc/podunits/pods/{name}.yaml");
            Assert.NotEmpty(PodHarness.Run("find", state, "-uid", first, "-print", "-quit").Output.Trim());
            var removed = PodHarness.Run("podunits", "gc");
            Assert.True(removed.Code == 0, removed.Output);
            Assert.True(File.Exists(range), $"gc released the range while {state} holds files of it: {removed.Output}");
            Assert.Contains($"kept the user namespace IDs of pod {name} (its definition is gone): {state} holds files they own", removed.Output, StringComparison.Ordinal);
        } // the harness removes the state
        var gc = PodHarness.Run("podunits", "gc");
        Assert.True(gc.Code == 0, gc.Output);
        Assert.False(File.Exists(range), gc.Output);
        Assert.Contains($"of pod {name} (its definition is gone)", gc.Output, StringComparison.Ordinal);
    }
}

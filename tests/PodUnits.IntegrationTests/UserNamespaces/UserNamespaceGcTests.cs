using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>A pod keeps its ID range while its definition exists, stopped or not (its files
/// on disk are owned by the range); `podunits gc` releases it once the definition is gone.</summary>
[Collection(HostWideGc.Name)]
public sealed class UserNamespaceGcTests
{
    [Fact]
    public void GcReleasesTheRangeOfAPodWhoseDefinitionIsGone()
    {
        const string name = "userns-gc";
        string range = $"/var/lib/podunits/userns/{name}";
        using (var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraSpecYaml: "  hostUsers: false")))
        {
            pod.Start();
            Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
            var kept = PodHarness.Run("podunits", "gc");
            Assert.True(kept.Code == 0, kept.Output);
            Assert.True(File.Exists(range), "gc released the range of a pod whose definition exists");
        } // the harness deletes the definition
        var gc = PodHarness.Run("podunits", "gc");
        Assert.True(gc.Code == 0, gc.Output);
        Assert.False(File.Exists(range), gc.Output);
        Assert.Contains($"of pod {name} (its definition is gone)", gc.Output, StringComparison.Ordinal);
    }
}

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

    /// <summary>Review of 2026-12-05: one range file an administrator mistyped made `podunits
    /// list` fail for every pod, JSON included. The one pod's report says so now.</summary>
    [Fact]
    public void AnUnreadableRangeFileSpoilsOnlyItsOwnPodsReport()
    {
        const string name = "userns-badrange";
        string range = $"/var/lib/podunits/userns/{name}";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraSpecYaml: "  hostUsers: false"));
        Directory.CreateDirectory("/var/lib/podunits/userns");
        File.WriteAllText(range, "twelve 65536\n");
        try
        {
            var json = PodHarness.Run("podunits", "list", "-o", "json");
            Assert.True(json.Code == 0, json.Output);
            var report = System.Text.Json.JsonDocument.Parse(json.Output).RootElement.EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == name);
            Assert.Contains(range, report.GetProperty("users").GetProperty("error").GetString(), StringComparison.Ordinal);
            var status = PodHarness.Run("podunits", "status", name);
            Assert.True(status.Code == 0, status.Output);
            Assert.Contains("Users: own user namespace, range unknown: ", status.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(range);
        }
    }
}

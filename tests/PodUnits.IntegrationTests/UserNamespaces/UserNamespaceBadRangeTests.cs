using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>A mistyped range file. Alone: while it exists, no pod with a user namespace of
/// its own can start (the allocator cannot know which host IDs that file's pod owns, so it
/// refuses rather than risk handing them out twice), which failed a neighbour test once.</summary>
[Collection(HostWideSettings.Name)]
public sealed class UserNamespaceBadRangeTests
{
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

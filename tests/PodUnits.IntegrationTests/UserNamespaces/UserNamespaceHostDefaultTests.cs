using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>
/// The host-wide default: with `userNamespaces: auto` in /etc/podunits/podunits.yaml every pod
/// that says nothing about hostUsers runs in its own user namespace; hostUsers: true and
/// hostNetwork keep the host's users.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class UserNamespaceHostDefaultTests
{
    [Fact]
    public void AutoGivesEveryPodWithoutHostUsersItsOwnNamespace()
    {
        string command = "echo map $(cat /proc/self/uid_map); echo done; " + PodHarness.Idle;
        HostWideSettings.With("userNamespaces: auto\n", () =>
        {
            using var auto = new PodHarness("userns-auto", PodHarness.BusyboxPod("userns-auto", command));
            using var host = new PodHarness("userns-auto-host", PodHarness.BusyboxPod("userns-auto-host", command, extraSpecYaml: "  hostUsers: true"));
            using var network = new PodHarness("userns-auto-net", PodHarness.BusyboxPod("userns-auto-net", command, extraSpecYaml: "  hostNetwork: true"));
            Assert.Matches(@"^map 0 [1-9][0-9]* 65536$", MapOf(auto));
            Assert.Matches(@"^map 0 0 4294967295$", MapOf(host));
            Assert.Matches(@"^map 0 0 4294967295$", MapOf(network));
            Assert.Contains("Users: own user namespace", PodHarness.StatusText("userns-auto"), StringComparison.Ordinal);
            Assert.DoesNotContain("Users:", PodHarness.StatusText("userns-auto-host"), StringComparison.Ordinal);
        });
    }

    /// <summary>User-namespace review of 2026-12-06, finding 4: an ad-hoc pod's range stayed
    /// after its state was gone, one file per `run -i`, until the pool ran out.</summary>
    [Fact]
    public void AnAdHocPodsRangeGoesWithIt()
    {
        const string ranges = "/var/lib/podunits/userns";
        HostWideSettings.With("userNamespaces: auto\n", () =>
        {
            var run = PodHarness.Run("podunits", "run", "-i", "--name", "userns-adhoc", "busybox", "--", "cat", "/proc/self/uid_map");
            Assert.True(run.Code == 0, run.Output);
            Assert.Matches(@"^\s*0\s+[1-9][0-9]*\s+65536\s*$", run.Output); // it had a range of its own
            Assert.False(File.Exists($"{ranges}/userns-adhoc"), "the ad-hoc pod's range file stayed");

            var kept = PodHarness.Run("podunits", "run", "-i", "--keep", "--name", "userns-adhoc-kept", "busybox", "--", "true");
            Assert.True(kept.Code == 0, kept.Output);
            Assert.True(File.Exists($"{ranges}/userns-adhoc-kept")); // its kept layer carries the range's IDs
            var rm = PodHarness.Run("podunits", "rm", "userns-adhoc-kept");
            Assert.True(rm.Code == 0, rm.Output);
            Assert.False(File.Exists($"{ranges}/userns-adhoc-kept"), "rm left the kept pod's range");
        });
    }

    private static string MapOf(PodHarness pod)
    {
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Contains("done")),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        return string.Join(' ', lines.Single(l => l.StartsWith("map ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}

using System.Diagnostics;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Network;

/// <summary>hostNetwork pods' ports are claimed like published ones: a second pod that wants
/// one is refused naming the first, as the scheduler would not place them together. In the gc
/// collection: one test leaves a killed pod's network attachment for its next start to release,
/// which another test's gc must not release first.</summary>
[Collection(HostWideGc.Name)]
public sealed class HostNetworkPortTests
{
    private const string Podunits = "/usr/bin/podunits";

    private static string Pod(string name, int port = 18181) => PodHarness.BusyboxPod(name, PodHarness.Idle,
        extraContainerYaml: $"      ports: [{{containerPort: {port}}}]", extraSpecYaml: "  hostNetwork: true");

    /// <summary>status and list say the pod uses the host's network, not nothing (as a broken
    /// pod's status would), with JSON shaped as a CNI network's.</summary>
    [Fact]
    public void StatusAndListSayThePodUsesTheHostsNetwork()
    {
        using var pod = new PodHarness("hn-status", Pod("hn-status", 18182));
        pod.Start();

        string status = PodHarness.StatusText("hn-status");
        Assert.Contains("Network: host (the host's network namespace), ports 18182/tcp", status, StringComparison.Ordinal);
        var json = System.Text.Json.Nodes.JsonNode.Parse(PodHarness.Run("podunits", "status", "hn-status", "-o", "json").Output)?["network"];
        Assert.Equal("host", (string?)json?["name"]);
        Assert.True((bool?)json?["hostNetwork"]);
        Assert.Empty(json!["ips"]!.AsArray());
        Assert.Equal(["18182/tcp"], json["ports"]!.AsArray().Select(p => (string?)p));

        string row = PodHarness.Run("podunits", "list").Output.Split('\n').Single(l => l.StartsWith("hn-status ", StringComparison.Ordinal));
        Assert.Equal("host", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]);
    }

    [Fact]
    public void ASecondHostNetworkPodOnTheSamePortIsRefusedNamingTheFirst()
    {
        using var first = new PodHarness("hn-port-a", Pod("hn-port-a"));
        using var second = new PodHarness("hn-port-b", Pod("hn-port-b"));
        Assert.True(first.Systemctl("start", first.Unit).Code == 0, first.UnitJournalText());

        Assert.NotEqual(0, second.Systemctl("start", second.Unit).Code);
        Assert.True(second.UnitJournalHas(l => l.Contains("cannot use hostPort 18181/tcp on the host's network: pod hn-port-a uses it", StringComparison.Ordinal)),
            second.UnitJournalText());
        Assert.False(Directory.Exists("/run/podunits/state/hn-port-b"));

        // Once the first has stopped, the port is free.
        Assert.True(first.Systemctl("stop", first.Unit).Code == 0);
        second.Systemctl("reset-failed", second.Unit);
        Assert.True(second.Systemctl("start", second.Unit).Code == 0, second.UnitJournalText());
    }

    /// <summary>Review of 2026-12-05: a published hostPort looked at other pods' claims only
    /// once its bind failed, so a hostNetwork pod whose program had not bound the port yet
    /// (here it never does) was passed by, and both pods owned it.</summary>
    [Fact]
    public void APublishedHostPortIsRefusedWhenAHostNetworkPodClaimsIt()
    {
        using var first = new PodHarness("hn-claim", Pod("hn-claim", 18183));
        using var second = new PodHarness("hn-claim-pub", NetworkProbe.HttpdPod("hn-claim-pub", "from-hn-claim-pub", hostPort: 18183));
        Assert.True(first.Systemctl("start", first.Unit).Code == 0, first.UnitJournalText());

        Assert.NotEqual(0, second.Systemctl("start", second.Unit).Code);
        Assert.True(second.UnitJournalHas(l => l.Contains("cannot publish hostPort 18183/tcp: pod hn-claim uses it", StringComparison.Ordinal)),
            second.UnitJournalText());
        Assert.Empty(NetworkProbe.CacheEntriesOf("hn-claim-pub"));
    }

    /// <summary>Network review of 2026-12-07, finding 1: a pod whose executor was killed while
    /// it published a port, started again on the host's network, left its own killed run's
    /// attachment alone (only other pods' were released). The killed run's DNAT rules sent the
    /// port's traffic, from 127.0.0.1 too, to the dead address for as long as the new run
    /// lasted, and neither gc nor stop released them while it held the name.</summary>
    [Fact]
    public void AKilledRunsAttachmentIsReleasedWhenThePodStartsAgainOnTheHostsNetwork()
    {
        const string pod = "hn-own-killed";
        const string port = "18187";
        string[] published = ["run", "-i", "--name", pod, "-p", $"{port}:80", "busybox", "--", "sh", "-c", "trap 'exit 0' TERM; sleep 1801 & wait"];
        string[] onHost = ["run", "-i", "--name", pod, "--net", "host", "-p", $"{port}:{port}", "busybox", "--", "sh", "-c",
            $"mkdir /w && echo on-host > /w/index.html && exec httpd -f -p {port} -h /w"];
        try
        {
            using (Process p = PodHarness.StartPodunits(published))
            {
                Assert.True(PodHarness.WaitFor(() => PodHarness.MachineRegistered(pod)), PodHarness.StatusText(pod));
                p.Kill(); // SIGKILL: no clean-up of its own
                p.WaitForExit();
            }
            string scope = $"podunits-{pod.Replace("-", "\\x2d", StringComparison.Ordinal)}.scope";
            Assert.True(PodHarness.WaitFor(() => !PodHarness.MachineRegistered(pod)
                && PodHarness.Run("systemctl", "show", "-p", "ActiveState", "--value", scope).Output.Trim() != "active", 60), PodHarness.StatusText(pod));
            Assert.NotEmpty(NetworkProbe.CacheEntriesOf(pod)); // the leftover to release
            Assert.True(File.Exists($"/run/podunits/netns/{pod}"));

            using Process host = PodHarness.StartPodunits(onHost);
            try
            {
                Assert.Equal("on-host\n", NetworkProbe.FetchOnceListening($"http://127.0.0.1:{port}/"));
                Assert.False(File.Exists($"/run/podunits/netns/{pod}"));
                Assert.Empty(NetworkProbe.CacheEntriesOf(pod));
            }
            finally
            {
                PodHarness.Run("kill", "-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(host.WaitForExit(30_000));
            }
        }
        finally
        {
            PodHarness.Run(Podunits, "stop", pod); // what a failed run left
        }
    }

    /// <summary>Review of 2026-12-05: the host-port lock was /run/podunits/state/ports.lock,
    /// which is also the claim lock of a pod named "ports": while that pod ran, every start of
    /// a pod with a hostPort hung in flock until its start timeout.</summary>
    [Fact]
    public void APodNamedPortsDoesNotHoldTheHostPortLock()
    {
        using var ports = new PodHarness("ports", PodHarness.BusyboxPod("ports", PodHarness.Idle));
        using var other = new PodHarness("hn-after-ports", Pod("hn-after-ports", 18184));
        ports.Start();

        var started = other.Systemctl("start", other.Unit);
        Assert.True(started.Code == 0, other.UnitJournalText());
        Assert.Equal("active", other.Show("ActiveState"));
    }
}

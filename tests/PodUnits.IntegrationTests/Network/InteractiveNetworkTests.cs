using System.Diagnostics;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Network;

/// <summary>`podunits run --interactive` on the default network, --net host and --port. In
/// the gc collection: one test leaves a killed pod's network attachment to look at.</summary>
[Collection(HostWideGc.Name)]
public sealed class InteractiveNetworkTests
{
    private const string Podunits = "/usr/bin/podunits";

    [Fact]
    public void AnAdHocPodGetsTheDefaultNetworkAndHostKeepsTheHosts()
    {
        var own = PodHarness.Run(Podunits, "run", "-i", "busybox", "--", "ip", "-o", "-4", "addr", "show", "eth0");
        Assert.True(own.Code == 0, own.Output);
        Assert.Contains("inet 10.121.", own.Output, StringComparison.Ordinal);

        // The host's own network namespace (a count of links would race other tests' veths).
        var host = PodHarness.Run(Podunits, "run", "-i", "--net", "host", "busybox", "--", "readlink", "/proc/self/ns/net");
        Assert.True(host.Code == 0, host.Output);
        Assert.Equal(new FileInfo("/proc/self/ns/net").LinkTarget,
            host.Output.Split('\n').Single(l => l.StartsWith("net:[", StringComparison.Ordinal)));
    }

    [Fact]
    public void APublishedPortServesWhileTheAdHocPodRunsAndIsGoneAfter()
    {
        string[] args = ["run", "-i", "--name", "net-adhoc", "-p", "127.0.0.1:18095:80", "busybox", "--", "sh", "-c",
            "mkdir /w && echo ad-hoc > /w/index.html && exec httpd -f -p 80 -h /w"];
        using Process p = PodHarness.StartPodunits(args);
        const string pod = "net-adhoc";
        try
        {
            Assert.Equal("ad-hoc\n", NetworkProbe.FetchOnceListening("http://127.0.0.1:18095/"));
            Assert.Single(NetworkProbe.CacheEntriesOf(pod));
        }
        finally
        {
            PodHarness.Run("kill", "-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(p.WaitForExit(30_000));
        }
        Assert.Empty(NetworkProbe.CacheEntriesOf(pod));
        Assert.False(File.Exists($"/run/podunits/netns/{pod}"));
        Assert.Null(NetworkProbe.Fetch("http://127.0.0.1:18095/"));
    }

    /// <summary>An ad-hoc pod whose executor was SIGKILLed has no next start that would release
    /// its network attachment: status says what it left, and `podunits stop` releases all of
    /// it, as gc would (tour H).</summary>
    [Fact]
    public void AKilledAdHocPodsLeftoversAreShownByStatusAndReleasedByStop()
    {
        const string pod = "net-killed";
        string[] args = ["run", "-i", "--name", pod, "-p", "127.0.0.1:18097:80", "busybox", "--", "sleep", "1000"];
        using (Process p = PodHarness.StartPodunits(args))
        {
            Assert.True(PodHarness.WaitFor(() => PodHarness.MachineRegistered(pod)), PodHarness.StatusText(pod));
            string veth = NetworkProbe.HostVeth(pod);
            p.Kill(); // SIGKILL: no clean-up of its own
            p.WaitForExit();
            Assert.True(PodHarness.WaitFor(() => !PodHarness.MachineRegistered(pod), 30));
            Assert.NotEmpty(NetworkProbe.CacheEntriesOf(pod));
            Assert.True(NetworkProbe.LinkExists(veth), "the leftover to release");

            string status = PodHarness.StatusText(pod);
            Assert.Contains("Left behind: runtime state, image pins, network attachment (lease, veth, port rules), the ad-hoc pod's writable layers and volumes, by an executor that was killed;"
                + $" 'podunits stop {pod}' or 'podunits gc' releases them", status, StringComparison.Ordinal);
            Assert.Contains("\"leftovers\"", PodHarness.Run(Podunits, "status", pod, "--output", "json").Output, StringComparison.Ordinal);

            var stop = PodHarness.Run(Podunits, "stop", pod);
            Assert.True(stop.Code == 0, stop.Output);
            Assert.True(stop.Output.Contains($"pod {pod} was not running; released what its killed executor left: network attachment (lease, veth, port rules), "
                + "runtime state, image pins, the ad-hoc pod's writable layers and volumes, machine-podunits-net\\x2dkilled.slice", StringComparison.Ordinal), stop.Output);
            Assert.Empty(NetworkProbe.CacheEntriesOf(pod));
            Assert.False(File.Exists($"/run/podunits/netns/{pod}"));
            Assert.False(NetworkProbe.LinkExists(veth));
            Assert.False(Directory.Exists($"/var/lib/podunits/pods/{pod}"));
            Assert.DoesNotContain("Left behind", PodHarness.StatusText(pod), StringComparison.Ordinal);
        }
    }

    /// <summary>Review of 2026-12-05: gc looked whether a pod ran, then released its network
    /// without holding the pod's name, so a start in between lost its new veth, address and
    /// pin. The DEL of a killed pod's leftovers now runs while gc holds the name: the
    /// plugin's DEL finds the pod's lock taken.</summary>
    [Fact]
    public void GcReleasesAKilledPodsNetworkHoldingThePodsName()
    {
        const string pod = "net-gclock";
        const string log = "/run/podunits-test-gclock.log";
        File.Delete(log);
        using var network = new SlowNetwork("nettestgclock", "10.122.16.0/24", seconds: 0,
            onDelete: $"if flock -n /run/podunits/state/{pod}.lock true; then echo unclaimed >> {log}; else echo claimed >> {log}; fi");
        string[] args = ["run", "-i", "--name", pod, "--net", network.Name, "busybox", "--", "sleep", "1000"];
        using (Process p = PodHarness.StartPodunits(args))
        {
            Assert.True(PodHarness.WaitFor(() => PodHarness.MachineRegistered(pod)), PodHarness.StatusText(pod));
            p.Kill(); // SIGKILL: no clean-up of its own
            p.WaitForExit();
        }
        Assert.True(PodHarness.WaitFor(() => !PodHarness.MachineRegistered(pod), 30));
        Assert.NotEmpty(NetworkProbe.CacheEntriesOf(pod));

        var gc = PodHarness.Run(Podunits, "gc");
        Assert.True(gc.Code == 0, gc.Output);
        Assert.Empty(NetworkProbe.CacheEntriesOf(pod));
        Assert.Equal(["claimed"], File.ReadAllLines(log));
        File.Delete(log);
    }

    /// <summary>A `podunits run` SIGKILLed while a plugin adds its network: nothing ends that
    /// plugin in the ad-hoc pod's scope (systemd does for pod@NAME.service), so stop must end
    /// it before it releases the network, or it adds rules for an address given back.</summary>
    [Fact]
    public void StopOfAKilledAdHocPodEndsThePluginStillAddingItsNetworkFirst()
    {
        const string pod = "net-killedslow";
        using var network = new SlowNetwork("nettestslowah", "10.122.14.0/24", seconds: 120);
        string scope = KillWhileAdding(pod, network);
        var stop = PodHarness.Run(Podunits, "stop", pod);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.Contains($"pod {pod} was not running; released what its killed executor left: {scope}, ", stop.Output, StringComparison.Ordinal);
        Assert.NotEqual("active", ScopeState(scope));
        PluginEnded(network); // so it cannot add rules after the release
        Assert.Empty(NetworkProbe.RulesMentioning("10.122.14."));
        Assert.Empty(NetworkProbe.CacheEntriesOf(pod));
    }

    /// <summary>The same pod as `podunits status` shows it (no running pod, no dead
    /// executor's PID, its scope left behind) and as gc releases it: the scope first.</summary>
    [Fact]
    public void GcEndsAKilledAdHocPodsScopeBeforeItReleasesTheNetwork()
    {
        const string pod = "net-killedgc";
        using var network = new SlowNetwork("nettestslowgc", "10.122.15.0/24", seconds: 120);
        string scope = KillWhileAdding(pod, network);
        string status = PodHarness.StatusText(pod);
        Assert.True(status.Contains($"Left behind: its scope {scope}, ", StringComparison.Ordinal), status);
        Assert.False(status.Contains("executor PID", StringComparison.Ordinal), status);

        var gc = PodHarness.Run(Podunits, "gc");
        Assert.True(gc.Code == 0, gc.Output);
        string[] lines = gc.Output.Split('\n');
        int stopped = Array.FindIndex(lines, l => l == $"stopped {scope}, left by a pod whose executor was killed");
        int removed = Array.FindIndex(lines, l => l == $"removed stale state of pod {pod}");
        Assert.True(stopped >= 0 && removed > stopped, gc.Output);
        Assert.NotEqual("active", ScopeState(scope));
        PluginEnded(network); // so it cannot add rules after the release
        Assert.Empty(NetworkProbe.RulesMentioning("10.122.15."));
        Assert.Empty(NetworkProbe.CacheEntriesOf(pod));
        Assert.DoesNotContain("Left behind", PodHarness.StatusText(pod), StringComparison.Ordinal);
    }

    /// <summary>Interactive review of 2026-12-07, finding 6: Ctrl-C typed into `run -it`'s raw
    /// terminal while the network was being added waited for the pty, whose line discipline
    /// dropped it; the start could not be cut short. It stops the pod, 130, as with -i.</summary>
    [Fact]
    public void CtrlCBeforeARunItCommandRunsStopsThePod()
    {
        const string pod = "net-itctrlc";
        using var network = new SlowNetwork("nettestctrlc", "10.122.17.0/24", seconds: 120);
        using var term = new ScriptTerminal($"{Podunits} run -it --name {pod} --net {network.Name} busybox -- sleep 1842; echo run-exit=$?");
        Assert.True(PodHarness.WaitFor(() => File.Exists(network.Adding), 30), term.Screen);
        Thread.Sleep(1000); // the CLI's terminal is raw by now: the key reaches the executor as input
        term.Type("\u0003");
        Assert.Equal(0, term.WaitForExit());
        Assert.Contains("run-exit=130", term.Screen, StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => !Directory.Exists($"/run/podunits/state/{pod}")), "the pod runs on");
        PluginEnded(network);
    }

    /// <summary>Runs an ad-hoc pod on <paramref name="network"/> and SIGKILLs `podunits run`
    /// while the slow plugin sleeps in the pod's scope (for two minutes: the scope stays
    /// active however slow the sandbox is); returns that scope, still active.</summary>
    private static string KillWhileAdding(string pod, SlowNetwork network)
    {
        string[] args = ["run", "-i", "--name", pod, "--net", network.Name, "busybox", "--", "sleep", "1000"];
        using (Process p = PodHarness.StartPodunits(args))
        {
            Assert.True(PodHarness.WaitFor(() => File.Exists(network.Adding), 30), PodHarness.StatusText(pod));
            p.Kill(); // SIGKILL, while the plugin sleeps in the pod's scope
            p.WaitForExit();
        }
        string scope = $"podunits-{pod.Replace("-", "\\x2d", StringComparison.Ordinal)}.scope";
        Assert.Equal("active", ScopeState(scope));
        return scope;
    }

    /// <summary>The slow plugin's processes are gone (they went with the scope).</summary>
    private static void PluginEnded(SlowNetwork network) =>
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-f", network.Plugin).Code != 0, 10), "the plugin still runs");

    private static string ScopeState(string scope) => PodHarness.Run("systemctl", "show", "-p", "ActiveState", "--value", scope).Output.Trim();

    /// <summary>An ad-hoc pod named like a defined pod would use, and on its way out remove,
    /// that pod's state directory (its writable layers and volumes).</summary>
    [Fact]
    public void AnAdHocPodCannotTakeTheNameOfADefinedPod()
    {
        using var defined = new PodHarness("net-defined", PodHarness.BusyboxPod("net-defined", PodHarness.Idle));
        var run = PodHarness.Run(Podunits, "run", "-i", "--name", "net-defined", "busybox", "--", "true");
        Assert.Equal(2, run.Code);
        Assert.Equal("podunits: --name: net-defined is the name of the pod defined in /etc/podunits/pods/net-defined.yaml; an ad-hoc pod needs a name of its own "
            + "('podunits run net-defined' runs that definition)", run.Output.Trim());
    }

    [Theory]
    [InlineData("8080", "podunits: --port: \"8080\": expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/PROTO]")]
    [InlineData("8080:80/icmp", "podunits: --port: \"8080:80/icmp\": the protocol must be tcp, udp or sctp")]
    [InlineData("99999:80", "podunits: --port: \"99999:80\": \"99999\" is not a port number (1-65535)")]
    public void ABadPortIsOneLineAndExitCode2(string port, string message)
    {
        var run = PodHarness.Run(Podunits, "run", "-i", "-p", port, "busybox", "--", "true");
        Assert.Equal(2, run.Code);
        Assert.Equal(message + "\n", run.Output);
    }
}

using System.Diagnostics;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Network;

/// <summary>`podunits run --interactive` on the default network, --net host and --port.</summary>
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
        var info = new ProcessStartInfo(Podunits) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "run", "-i", "--name", "net-adhoc", "-p", "127.0.0.1:18095:80", "busybox", "--", "sh", "-c",
            "mkdir /w && echo ad-hoc > /w/index.html && exec httpd -f -p 80 -h /w" })
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
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

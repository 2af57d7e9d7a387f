using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>`podunits run --interactive IMAGE -- CMD`: the container's stdio is the caller's.</summary>
public sealed class InteractiveTests
{
    [Fact]
    public async Task InteractivePodReadsStdinWritesStdoutAndReturnsTheStatus()
    {
        var info = new ProcessStartInfo("/usr/bin/podunits") // the installed binary, not the test build beside this assembly
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string a in new[] { "run", "--interactive", "--name", "it-pipe", "busybox", "--", "sh", "-c", "read x; echo got-$x; echo host=$(hostname); exit 7" })
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
        p.StandardInput.WriteLine("hi");
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal("got-hi\nhost=it-pipe\n", output);
        Assert.Equal(7, p.ExitCode);
        Assert.Equal("", await err);
        Assert.False(Directory.Exists("/var/lib/podunits/pods/it-pipe"));
    }

    [Fact]
    public void DnsNoneLeavesTheImagesResolvConfAndDnsHostGivesTheHosts()
    {
        // The busybox test image has no /etc/resolv.conf of its own.
        var none = PodHarness.Run("podunits", "run", "-i", "--name", "it-dns-none", "--dns", "none", "--net", "host", "busybox", "--",
            "sh", "-c", "cat /etc/resolv.conf || echo no-resolv-conf");
        Assert.True(none.Code == 0, none.Output);
        Assert.Contains("no-resolv-conf", none.Output, StringComparison.Ordinal);
        var host = PodHarness.Run("podunits", "run", "-i", "--name", "it-dns-host", "--dns", "host", "--net", "host", "busybox", "--", "cat", "/etc/resolv.conf");
        Assert.True(host.Code == 0, host.Output);
        Assert.Equal(File.ReadAllText("/etc/resolv.conf"), host.Output);
    }
}

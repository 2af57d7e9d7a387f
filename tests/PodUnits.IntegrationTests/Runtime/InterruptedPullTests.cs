using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Review of 2026-12-04 (interactive, 4): a stop signal while stage 0 pulled (Ctrl-C, an SSH
/// drop, `podunits stop NAME`, systemctl stop) took .NET's default action and ended the
/// process there, leaving the image pin (`image rm` then refused: "in use by pod ..."), the
/// state directory and the claim's files to gc. The signal cancels the pull now, and the start
/// releases what it took.
/// </summary>
public sealed class InterruptedPullTests
{
    /// <summary>SIGQUIT too (CLI review of 2026-12-07, finding 1): Ctrl-\ during `run -i`'s
    /// pull ended stage 0 by its default action, leaving the claim and the pin to gc. It exits
    /// 131 as by the signal, but with no core dump.</summary>
    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("QUIT", 3)]
    public async Task AnInterruptDuringThePullReleasesWhatTheStartTook(string signal, int number)
    {
        string name = $"pull-interrupted-{signal.ToLowerInvariant()}";
        // A registry that accepts the connection and never answers: the pull waits on it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            int port = ((IPEndPoint)silent.LocalEndpoint).Port;
            using Process p = PodHarness.StartPodunitsInterruptible("run", "-i", "--name", name, $"127.0.0.1:{port}/app:1", "--", "true");
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using Socket connection = await silent.AcceptSocketAsync(timeout.Token);
                Assert.True(File.Exists($"/var/lib/podunits/pods/{name}/images"), "no pin while the pull runs");
                // SIGTERM, as `podunits stop NAME` sends it: a test host started in the
                // background may have SIGINT ignored, which its children inherit (a terminal's
                // Ctrl-C takes the same path).
                Assert.Equal(0, PodHarness.Run("kill", $"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await p.WaitForExitAsync(exit.Token);
                string stderr = await p.StandardError.ReadToEndAsync(exit.Token);
                Assert.True(p.ExitCode == 128 + number, $"exit {p.ExitCode}: {stderr}"); // ended by the signal, once released
                Assert.Contains("podunits: interrupted", stderr, StringComparison.Ordinal);
                Assert.False(Directory.Exists($"/var/lib/podunits/pods/{name}"), "the pin and the state directory stayed");
                Assert.False(Directory.Exists($"/run/podunits/state/{name}"), "the runtime state stayed");
                string process = $"Process {p.Id} ("; // systemd-coredump's line for it
                Assert.DoesNotContain(PodHarness.JournalOutput("--since", "-2min", "-o", "cat").Split('\n'),
                    l => l.StartsWith(process, StringComparison.Ordinal) && l.Contains("dumped core", StringComparison.Ordinal));
            }
            finally
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }
            }
        }
        finally
        {
            PodHarness.Run("/usr/bin/podunits", "rm", name);
        }
    }

    /// <summary>systemctl stop during the pull: the start releases what it took and ends by
    /// the SIGTERM, which systemd counts as a clean stop (an exit status would fail the unit).</summary>
    [Fact]
    public async Task AStopDuringThePullOfAUnitLeavesItInactiveAndReleased()
    {
        const string name = "pull-stopped";
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle).Replace("image: busybox", $"image: 127.0.0.1:{port}/app:1", StringComparison.Ordinal));
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using Socket connection = await silent.AcceptSocketAsync(timeout.Token);
        Assert.True(File.Exists($"/var/lib/podunits/pods/{name}/images"), "no pin while the pull runs");
        Assert.True(pod.Systemctl("stop", pod.Unit).Code == 0);
        Assert.Equal("inactive", pod.Show("ActiveState"));
        Assert.False(File.Exists($"/var/lib/podunits/pods/{name}/images"), "the pin stayed");
        Assert.False(Directory.Exists($"/run/podunits/state/{name}"), "the runtime state stayed");
        Assert.True(pod.UnitJournalHas(l => l.EndsWith("interrupted", StringComparison.Ordinal)), pod.UnitJournalText());
    }
}

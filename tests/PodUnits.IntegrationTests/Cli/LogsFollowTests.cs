using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>Review of 2026-12-05 (logs, 2): `podunits logs -f` showed only the last 10 lines
/// of a running pod (journalctl -f's default), where kubectl and podman logs -f show all of
/// them, then follow.</summary>
public sealed class LogsFollowTests
{
    [Fact]
    public async Task FollowingARunningPodShowsEveryLineBeforeTheNewOnes()
    {
        const string name = "logs-follow-all";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name,
            "i=1; while [ $i -le 15 ]; do echo follow-line-$i; i=$((i+1)); done; " + PodHarness.Idle));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("follow-line-15")), pod.UnitJournalText());
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/podunits", ["logs", "-f", name]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var follow = System.Diagnostics.Process.Start(info)!;
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        while (await follow.StandardOutput.ReadLineAsync(exit.Token) is { } line)
        {
            seen.Add(line);
            if (line.EndsWith("follow-line-15", StringComparison.Ordinal))
            {
                break;
            }
        }
        // It follows (the pod runs): what it printed so far is what was there before.
        Assert.False(follow.HasExited, "logs -f of a running pod ended at once: " + string.Join('\n', seen));
        Assert.True(pod.Systemctl("stop", pod.Unit).Code == 0);
        await follow.WaitForExitAsync(exit.Token);
        Assert.Contains(seen, l => l.EndsWith("follow-line-1", StringComparison.Ordinal));
        Assert.Equal(15, seen.Count(l => l.Contains("follow-line-", StringComparison.Ordinal)));
    }
}

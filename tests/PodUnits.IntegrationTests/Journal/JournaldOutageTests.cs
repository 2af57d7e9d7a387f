using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Journal;

/// <summary>
/// `systemctl stop systemd-journald` with its sockets, then a start: the lines a pod writes
/// after journald is back reach the host journal on both paths (a one-container pod's stream,
/// a two-container pod's datagrams), and what could not be delivered in between is said, not
/// silently dropped (tour F: every later line was lost until the pod restarted). Host-wide:
/// every other test's journal goes with journald.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class JournaldOutageTests
{
    private static readonly string[] Units = ["systemd-journald.service", "systemd-journald.socket", "systemd-journald-dev-log.socket"];

    private const string Writer = "i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo line-$i; sleep 0.01; done; sleep 1";

    [Fact]
    public void LinesWrittenAfterJournaldIsBackReachTheHostJournalAndTheGapIsSaid()
    {
        using var one = new PodHarness("jo-one", PodHarness.BusyboxPod("jo-one", Writer));
        using var two = new PodHarness("jo-two", PodHarness.BusyboxPod("jo-two", Writer,
            extraContainerYaml: $"    - name: second\n      image: busybox\n      command: [\"sh\", \"-c\", {System.Text.Json.JsonSerializer.Serialize(Writer)}]"));
        one.Start();
        two.Start();
        Thread.Sleep(800);
        try
        {
            Assert.Equal(0, PodHarness.Run("systemctl", ["stop", .. Units]).Code);
            Thread.Sleep(1500);
        }
        finally
        {
            Assert.Equal(0, PodHarness.Run("systemctl", ["start", .. Units.Reverse()]).Code);
        }
        foreach (PodHarness pod in new[] { one, two })
        {
            Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive", 60), pod.Show("ActiveState"));
        }

        foreach ((PodHarness pod, string container) in new[] { (one, "main"), (two, "main"), (two, "second") })
        {
            string[] lines = [.. pod.Journal("-u", pod.Unit, $"CONTAINER_NAME={container}").Where(l => l.StartsWith("line-", StringComparison.Ordinal))];
            string unitLog = pod.UnitJournalText();
            Assert.True(lines.Contains("line-400"), $"{pod.Name}/{container}: {lines.Length} lines, the last {lines.LastOrDefault()}\n{unitLog}");
            Assert.True(lines.Length == 400 || unitLog.Contains("written meanwhile did not reach it", StringComparison.Ordinal),
                $"{pod.Name}/{container}: {lines.Length} of 400 lines and no word of the gap\n{unitLog}");
        }
    }
}

using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>
/// A one-container pod's unit adds its CONTAINER_NAME to every entry (LogExtraFields=). Edited
/// to two containers and restarted without `systemctl daemon-reload`, the pod runs with the
/// old unit, and journald adds the old name to the new container's lines as well: journalctl
/// then gives CONTAINER_NAME as two values, and `podunits logs -c NEW` showed nothing (journal
/// review of 2026-12-06, finding 2). The stale unit is made here by a drop-in of the old
/// field, so that no other test's daemon-reload can mend it meanwhile.
/// </summary>
public sealed class LogsWithStaleUnitFieldsTests
{
    private const string Name = "logs-stale-fields";
    private const string Podunits = "/usr/bin/podunits";

    [Fact]
    public void TheExecutorSaysSoAndEachContainersLinesStayItsOwn()
    {
        string dropIns = $"/run/systemd/system/pod@{Name}.service.d";
        Directory.CreateDirectory(dropIns);
        File.WriteAllText($"{dropIns}/50-older-definition.conf", "[Service]\nLogExtraFields=CONTAINER_NAME=main\n");
        try
        {
            string side = $"    - name: side\n      image: busybox\n      command: [\"sh\", \"-c\", {System.Text.Json.JsonSerializer.Serialize("echo side-hello; " + PodHarness.Idle)}]";
            using var pod = new PodHarness(Name, PodHarness.BusyboxPod(Name, "echo main-hello; " + PodHarness.Idle, extraContainerYaml: side));
            pod.Start();
            Assert.Contains("CONTAINER_NAME=main", pod.Show("LogExtraFields"), StringComparison.Ordinal);
            Assert.True(pod.UnitJournalHas(l => l.Contains("CONTAINER_NAME=main to every line", StringComparison.Ordinal)
                && l.Contains("systemctl daemon-reload", StringComparison.Ordinal)), pod.UnitJournalText());

            string sideLogs = "";
            Assert.True(PodHarness.WaitFor(() => (sideLogs = PodHarness.Run(Podunits, "logs", Name, "-c", "side").Output).Contains("side-hello", StringComparison.Ordinal)),
                $"podunits logs -c side:\n{sideLogs}\n{pod.UnitJournalText()}");
            Assert.DoesNotContain("main-hello", sideLogs, StringComparison.Ordinal);

            var all = PodHarness.Run(Podunits, "logs", Name);
            Assert.True(all.Code == 0, all.Output);
            string[] lines = all.Output.Split('\n');
            Assert.Contains("side | side-hello", lines);
            Assert.Contains("main | main-hello", lines);
        }
        finally
        {
            Directory.Delete(dropIns, recursive: true);
            PodHarness.Run("systemctl", "daemon-reload");
        }
    }
}

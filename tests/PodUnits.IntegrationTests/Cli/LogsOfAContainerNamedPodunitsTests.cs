using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>
/// `podunits logs` tells a container's lines from PodUnits' own by SYSLOG_IDENTIFIER (the
/// container's name) and CONTAINER_NAME. A container named "podunits", alone in its pod, has
/// the identifier of pod@NAME.service's own stream, where stage 1 writes its diagnostics; had
/// the unit put its CONTAINER_NAME on that stream (LogExtraFields=, as for any other
/// one-container pod), those diagnostics would read as the container's lines.
/// </summary>
public sealed class LogsOfAContainerNamedPodunitsTests
{
    private const string Name = "logs-own-name";
    private const string Podunits = "/usr/bin/podunits";

    [Fact]
    public void ItsLinesAreItsAndTheExecutorsDiagnosticsAreNot()
    {
        // PODUNITS_VERBOSE=1 makes the executor write "podunits: container C: scope started in
        // N ms" on the unit's stream: a line of PodUnits' own without MESSAGE_ID or CODE_FILE.
        using IDisposable verbose = PodHarness.VerboseExecutor(Name);
        string yaml = PodHarness.BusyboxPod(Name, "echo own-name-hello; " + PodHarness.Idle).Replace("- name: main", "- name: podunits", StringComparison.Ordinal);
        using var pod = new PodHarness(Name, yaml);
        pod.Start();
        Assert.DoesNotContain("CONTAINER_NAME=", pod.Show("LogExtraFields"), StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("own-name-hello")
            && pod.Journal("-u", pod.Unit).Any(l => l.Contains("scope started in", StringComparison.Ordinal))),
            pod.UnitJournalText());

        var all = PodHarness.Run(Podunits, "logs", Name);
        Assert.True(all.Code == 0, all.Output);
        string[] lines = all.Output.Split('\n');
        Assert.Contains("podunits | own-name-hello", lines);
        Assert.Contains(lines, l => l.StartsWith("podunits: container podunits: scope started in ", StringComparison.Ordinal));

        var container = PodHarness.Run(Podunits, "logs", Name, "-c", "podunits");
        Assert.True(container.Code == 0, container.Output);
        Assert.Contains("own-name-hello", container.Output.Split('\n'));
        Assert.DoesNotContain("scope started in", container.Output, StringComparison.Ordinal);
    }
}

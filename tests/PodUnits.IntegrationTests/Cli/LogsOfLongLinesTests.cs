using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>
/// Review of 2026-12-05: `podunits logs` showed every line of 4 KiB or more as an empty line
/// (journalctl's JSON gives null for such a field without --all), and the 8 KiB pieces a
/// multi-container pod's long line is sent in as lines of their own; `podunits status` showed
/// its recent lines the same way. Both paths: the stream of a one-container pod and the
/// datagrams of a pod of two.
/// </summary>
public sealed class LogsOfLongLinesTests
{
    private const string Podunits = "/usr/bin/podunits";
    private const string Print = "head -c 5000 /dev/zero | tr '\\0' a; echo; head -c 20000 /dev/zero | tr '\\0' b; echo; echo printed; ";

    [Theory]
    [InlineData("logs-long-one", "")]
    [InlineData("logs-long-two", "    - name: side\n      image: busybox\n      command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 1000 & wait\"]")]
    public void ALongLineIsShownWholeAndOnce(string name, string sideContainer)
    {
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, Print + PodHarness.Idle, extraContainerYaml: sideContainer));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Contains("printed")), pod.UnitJournalText());

        var logs = PodHarness.Run(Podunits, "logs", name, "-c", "main");
        Assert.True(logs.Code == 0, logs.Output);
        Assert.Equal([new string('a', 5000), new string('b', 20000), "printed"], logs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // `podunits status` shows its recent lines the same way.
        var status = PodHarness.Run(Podunits, "status", name, "--lines", "20");
        Assert.True(status.Code == 0, status.Output);
        string[] shown = status.Output.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Contains("main | " + new string('a', 5000), shown);
        Assert.Contains("main | " + new string('b', 20000), shown);

        // -n counts lines, not the journal's entries, of which the long line is three: its
        // last piece alone was shown as a line (CLI review of 2026-12-07, finding 6).
        var last = PodHarness.Run(Podunits, "logs", name, "-c", "main", "-n", "2");
        Assert.True(last.Code == 0, last.Output);
        Assert.Equal([new string('b', 20000), "printed"], last.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var recent = PodHarness.Run(Podunits, "status", name, "--lines", "2");
        Assert.True(recent.Code == 0, recent.Output);
        string[] recentLines = recent.Output.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.DoesNotContain(recentLines, l => l.EndsWith('b') && l != "main | " + new string('b', 20000));
    }

    /// <summary>Journal review of 2026-12-06: a run's unterminated last line, sent when its
    /// stream ended, was marked partial, and `podunits logs` joined it to the next pod run's
    /// first line: "ok" twice showed as "okok".</summary>
    [Fact]
    public void AnUnterminatedLastLineIsNotJoinedToTheNextRunsFirst()
    {
        const string name = "logs-unterminated";
        for (int run = 0; run < 2; run++)
        {
            var printed = PodHarness.Run(Podunits, "run", "-i", "--name", name, "--net", "host", "busybox", "--", "printf", "ok");
            Assert.True(printed.Code == 0, printed.Output);
        }
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = PodHarness.Run(Podunits, "logs", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Count(l => l.EndsWith("ok", StringComparison.Ordinal)) >= 2, 10),
            string.Join('\n', lines));
        Assert.Equal(["main | ok", "main | ok"], lines.Where(l => l.StartsWith("main |", StringComparison.Ordinal)));
    }
}

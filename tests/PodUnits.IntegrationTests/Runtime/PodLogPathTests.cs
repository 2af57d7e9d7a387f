namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Which way container lines take to the host journal, and that either way every entry has
/// docs/design.md's fields exactly once: journald's stream protocol when the unit's LogExtraFields=
/// (written by the generator for a one-container pod) hold the container's fields, a
/// datagram per line otherwise.
/// </summary>
public sealed class PodLogPathTests
{
    [Fact]
    public void OneContainerPodFromTheGeneratorLogsOverAStreamWithEveryField()
    {
        using var pod = new PodHarness("lp-one", OneShot("lp-one", "echo out-one; echo err-one >&2; printf tail-one"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "SYSLOG_IDENTIFIER=main").Contains("tail-one")),
            string.Join('\n', pod.Journal("-u", pod.Unit)));

        Dictionary<string, List<string>> outFields = Fields(pod, "out-one");
        Assert.Equal(["stdout"], outFields["_TRANSPORT"]);
        Assert.Equal(["6"], outFields["PRIORITY"]);
        AssertDesignFields(pod, outFields);
        Assert.Equal(["3"], Fields(pod, "err-one")["PRIORITY"]);
        // The unterminated last line is logged when the container ends (journald marks it).
        Assert.Equal(["eof"], Fields(pod, "tail-one")["_LINE_BREAK"]);
        // The pod has ended; its own journal stays on the host under its ID.
        string podJournal = $"/var/log/journal/{outFields["POD_ID"][0]}";
        Assert.True(PodHarness.WaitFor(() => pod.Journal("--directory", podJournal, "-t", "main").Contains("tail-one")),
            string.Join('\n', pod.Journal("--directory", podJournal)));
    }

    [Fact]
    public void PodOfSeveralContainersSendsTheirFieldsPerLineAndNoneTwice()
    {
        string yaml = PodHarness.BusyboxPod("lp-two", "echo from-main; " + PodHarness.Idle,
            extraContainerYaml: "    - name: side\n      image: busybox\n      command: [\"sh\", \"-c\", \"echo from-side; trap 'exit 0' TERM; sleep 1000 & wait\"]");
        using var pod = new PodHarness("lp-two", yaml);
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=side").Contains("from-side")));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("from-main")));
        Dictionary<string, List<string>> side = Fields(pod, "from-side");
        Assert.Equal(["journal"], side["_TRANSPORT"]);
        Assert.Equal(["side"], side["CONTAINER_NAME"]);
        AssertDesignFields(pod, side);
        Assert.Equal(["main"], Fields(pod, "from-main")["CONTAINER_NAME"]);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-M", "lp-two", "-t", "side").Contains("from-side")));
    }

    [Fact]
    public void ABurstFromAPodOfSeveralContainersArrivesWholeAndInOrder()
    {
        // The datagram path sends a read's lines as one batch of entries: 20,000 lines
        // written at once must all arrive, in order, each with its container's fields.
        const int Lines = 20000;
        string yaml = PodHarness.BusyboxPod("lp-burst", $"seq 1 {Lines}; " + PodHarness.Idle,
            extraContainerYaml: "    - name: side\n      image: busybox\n      command: [\"sh\", \"-c\", \"seq 1 3 | sed s/^/side-/; trap 'exit 0' TERM; sleep 1000 & wait\"]");
        using var pod = new PodHarness("lp-burst", yaml);
        pod.Start();
        string[] Main() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main", "SYSLOG_IDENTIFIER=main");
        string Last() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main", "-n", "1").LastOrDefault() ?? "";
        Assert.True(PodHarness.WaitFor(() => Last() == $"{Lines}", 60), $"last line: {Last()}");
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Main());
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=side").Length == 3));
        Assert.Equal(["side-1", "side-2", "side-3"], pod.Journal("-u", pod.Unit, "CONTAINER_NAME=side"));
        AssertDesignFields(pod, Fields(pod, "side-2"));
        AssertDesignFields(pod, Fields(pod, "12345"));
    }

    /// <summary>Logging review of 2026-12-07, finding 2: journald cuts a stream's line at
    /// LineMax= (48K) into pieces marked _LINE_BREAK=line-max, which `podunits logs` showed as
    /// lines of their own on the stream path (a one-container pod) and joined on the datagram
    /// path.</summary>
    [Fact]
    public void ALineLongerThanJournaldsLineMaxIsOneLineInPodunitsLogsOnTheStreamPath()
    {
        const int Length = 100000;
        using var pod = new PodHarness("lp-long", PodHarness.BusyboxPod("lp-long",
            $"yes a | head -n {Length} | tr -d '\\n'; echo; echo after-long; " + PodHarness.Idle));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "SYSLOG_IDENTIFIER=main").Contains("after-long")),
            string.Join('\n', pod.Journal("-u", pod.Unit).Select(l => l.Length > 80 ? $"{l[..80]}... ({l.Length})" : l)));
        // The stream path, where journald did cut it.
        Assert.Equal(["stdout"], Fields(pod, "after-long")["_TRANSPORT"]);
        Assert.NotEmpty(pod.Journal("-u", pod.Unit, "SYSLOG_IDENTIFIER=main", "_LINE_BREAK=line-max"));
        var logs = PodHarness.Run("podunits", "logs", "-c", "main", pod.Name);
        Assert.Equal(0, logs.Code);
        Assert.Equal([new string('a', Length), "after-long"], logs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("lp-rerun1", false)] // one container: the stream path
    [InlineData("lp-rerun2", true)] // two: the datagram path
    public void ARestartingContainersUnfinishedLastLineIsLoggedWhenItsRunEnds(string name, bool twoContainers)
    {
        // Its runs write into the same pipe, which ends only with the pod: without the end of
        // each run, "run-2" would wait for the next run's output (after the 10 s back-off)
        // and be glued to it as "run-2run-3".
        // Run 1 prints nothing: run 2 follows it at once (the first restart has no back-off),
        // and might write before the executor saw run 1 end.
        const string Count = "n=$(cat /c/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /c/n; [ $n -lt 2 ] || printf run-$n; exit 1";
        string side = twoContainers ? "\n    - name: side\n      image: busybox\n      command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 1000 & wait\"]" : "";
        string yaml = PodHarness.BusyboxPod(name, Count,
            extraContainerYaml: "      volumeMounts:\n        - name: c\n          mountPath: /c" + side,
            extraSpecYaml: "  volumes:\n    - name: c\n      emptyDir: {}", restartPolicy: "Always");
        using var pod = new PodHarness(name, yaml);
        pod.Start();
        // Run 2 follows run 1 at once; run 3 comes 10 s after run 2's end.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "SYSLOG_IDENTIFIER=main").Contains("run-2")),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-M", name, "-t", "main").Contains("run-2")),
            string.Join('\n', pod.Journal("-M", name)));
        // A whole line (the run's end ended it), which no reader joins to the next run's.
        Assert.Empty(Fields(pod, "run-2").GetValueOrDefault("CONTAINER_PARTIAL_MESSAGE") ?? []);
        Assert.Equal(twoContainers ? [] : ["eof"], Fields(pod, "run-2").GetValueOrDefault("_LINE_BREAK") ?? []);
        Assert.Equal("active", pod.Show("ActiveState"));
    }

    private static string OneShot(string name, string command) =>
        PodHarness.BusyboxPod(name, command);

    /// <summary>Every docs/design.md field once, with the pod's and container's IDs consistent with
    /// machined's view of the pod.</summary>
    private static void AssertDesignFields(PodHarness pod, Dictionary<string, List<string>> fields)
    {
        foreach (string name in new[] { "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CONTAINER_NAME", "CONTAINER_ID",
                     "CONTAINER_ID_FULL", "POD_NAME", "POD_ID", "_SYSTEMD_UNIT" })
        {
            Assert.True(fields.TryGetValue(name, out List<string>? values) && values.Count == 1,
                $"{name}: {string.Join(", ", values ?? [])}");
        }
        Assert.Equal([pod.Unit], fields["_SYSTEMD_UNIT"]);
        Assert.Equal([pod.Name], fields["POD_NAME"]);
        Assert.Equal(fields["SYSLOG_IDENTIFIER"], fields["CONTAINER_NAME"]);
        Assert.Matches("^[0-9a-f]{32}$", fields["POD_ID"][0]);
        Assert.StartsWith(fields["CONTAINER_ID"][0], fields["CONTAINER_ID_FULL"][0], StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", fields["CONTAINER_ID_FULL"][0]);
    }

    /// <summary>All fields of the entry with MESSAGE=<paramref name="message"/> (journalctl's
    /// JSON export lists a field as often as the entry has it).</summary>
    private static Dictionary<string, List<string>> Fields(PodHarness pod, string message)
    {
        string export = PodHarness.Run("journalctl", "--no-pager", "-o", "export", "-u", pod.Unit, $"MESSAGE={message}").Output;
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string line in export.Split('\n'))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                (fields.TryGetValue(line[..equals], out List<string>? list) ? list : fields[line[..equals]] = []).Add(line[(equals + 1)..]);
            }
        }
        Assert.True(fields.Count > 0, $"no entry with MESSAGE={message}");
        return fields;
    }
}

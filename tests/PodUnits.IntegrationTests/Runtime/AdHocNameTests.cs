namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Review of 2026-12-05: an ad-hoc pod refused only the names of definitions in the search
/// path, and removes its state directory when it ends; named after a pod run from a file, it
/// took that pod's directory (its containers' last statuses, and its journal on hosts without
/// /var/log/journal) and removed it.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class AdHocNameTests : IDisposable
{
    private const string Podunits = "/usr/bin/podunits";
    private const string Name = "adhoc-taken";
    private readonly string _file = Path.Join(Directory.CreateTempSubdirectory("podunits-adhoc-name-").FullName, "pod.yaml");

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
        PodHarness.Run(Podunits, "gc");
        if (Directory.Exists($"/var/lib/podunits/pods/{Name}"))
        {
            Directory.Delete($"/var/lib/podunits/pods/{Name}", recursive: true);
        }
    }

    [Fact]
    public void AnAdHocPodCannotTakeTheStateOfAPodRunFromAFile()
    {
        File.WriteAllText(_file, PodHarness.BusyboxPod(Name, "echo from-the-file"));
        var run = PodHarness.Run(Podunits, "run", _file);
        Assert.True(run.Code == 0, run.Output);
        string state = $"/var/lib/podunits/pods/{Name}";
        Assert.True(Directory.Exists(state));
        string lastRun = File.ReadAllText($"{state}/last-containers.json");

        var adHoc = PodHarness.Run(Podunits, "run", "-i", "--name", Name, "busybox", "--", "true");
        Assert.Equal(2, adHoc.Code);
        Assert.Equal($"podunits: --name: {Name} is the name of a pod run from a definition, whose state is in {state}; an ad-hoc pod needs a name of its own",
            adHoc.Output.Trim());
        Assert.True(Directory.Exists(state));
        // Lifecycle review of 2026-12-07, finding 4: the claim before the refusal deleted how
        // the last run's containers ended, which status and refresh read.
        Assert.Equal(lastRun, File.ReadAllText($"{state}/last-containers.json"));
        Assert.False(Directory.Exists($"/run/podunits/state/{Name}"));

        // Ad-hoc pods of one name follow each other as before.
        const string again = "adhoc-again";
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", again, "--keep", "busybox", "--", "true").Code);
        Assert.Equal(0, PodHarness.Run(Podunits, "rm", again).Code);
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", again, "busybox", "--", "true").Code);
        Assert.Equal(0, PodHarness.Run(Podunits, "run", "-i", "--name", again, "busybox", "--", "true").Code);
    }

    [Fact]
    public void ADefinitionsStartIsRefusedOverAKeptAdHocState()
    {
        // Lifecycle review of 2026-12-07, finding 3: pod@NAME wiped the kept layer without a
        // word and kept adhoc.yaml, and a later `podunits rm` removed the defined pod's state.
        const string pod = "adhoc-kept-def";
        string state = $"/var/lib/podunits/pods/{pod}";
        try
        {
            var kept = PodHarness.Run(Podunits, "run", "-i", "--keep", "--name", pod, "busybox", "--", "sh", "-c", "echo kept > /marker");
            Assert.True(kept.Code == 0, kept.Output);
            using var service = new PodHarness(pod, PodHarness.BusyboxPod(pod, "echo defined-started; trap 'exit 0' TERM; sleep 1811 & wait"));
            string refusal = $"podunits: pod {pod}: an earlier 'podunits run -i --keep' kept its state in {state}; "
                + $"'podunits export {pod}' prints it as a definition, 'podunits rm {pod}' removes it";

            var byHand = PodHarness.Run(Podunits, "run", pod);
            Assert.True(byHand.Code == 2, byHand.Output);
            Assert.Contains(refusal, byHand.Output, StringComparison.Ordinal);
            var start = service.Systemctl("start", service.Unit);
            Assert.NotEqual(0, start.Code);
            Assert.True(PodHarness.WaitFor(() => service.Show("ActiveState") != "activating"), service.UnitJournalText());
            Assert.Equal("2", service.Show("ExecMainStatus")); // RestartPreventExitStatus=2: not retried
            Assert.True(service.UnitJournalHas(l => l.Contains($"'podunits rm {pod}' removes it", StringComparison.Ordinal)), service.UnitJournalText());
            Assert.Equal("kept\n", File.ReadAllText($"{state}/containers/main/upper/marker"));
            Assert.True(File.Exists($"{state}/adhoc.yaml"));

            // export, rm, then the definition: the way the refusal names.
            var rm = PodHarness.Run(Podunits, "rm", pod);
            Assert.True(rm.Code == 0, rm.Output);
            service.Systemctl("reset-failed", service.Unit);
            var again = service.Systemctl("start", service.Unit);
            Assert.True(again.Code == 0, again.Output + service.UnitJournalText());
            Assert.True(service.UnitJournalHas(l => l.Contains("defined-started", StringComparison.Ordinal)), service.UnitJournalText());
        }
        finally
        {
            PodHarness.Run("rm", "-rf", state);
        }
    }

    /// <summary>Review of the merged changes, 2026-12-07, finding 1: a pod that took a kept
    /// ad-hoc state over before such starts were refused (adhoc.yaml there, the ad-hoc marker
    /// gone) was refused at every start after the upgrade, exit 2, never retried. It starts,
    /// and the stale ad-hoc definition goes.</summary>
    [Fact]
    public void APodThatTookAKeptStateOverEarlierStillStarts()
    {
        const string pod = "adhoc-took-over"; // not Name: another test's
        string state = $"/var/lib/podunits/pods/{pod}";
        try
        {
            // What the earlier version left: the kept definition without the ad-hoc marker.
            Directory.CreateDirectory(state);
            File.WriteAllText($"{state}/adhoc.yaml", "# an ad-hoc pod of `podunits run`\n");
            using var service = new PodHarness(pod, PodHarness.BusyboxPod(pod, "echo taken-started; trap 'exit 0' TERM; sleep 1812 & wait"));
            var start = service.Systemctl("start", service.Unit);
            Assert.True(start.Code == 0, start.Output + service.UnitJournalText());
            Assert.True(PodHarness.WaitFor(() => service.UnitJournalHas(l => l.Contains("taken-started", StringComparison.Ordinal))), service.UnitJournalText());
            Assert.False(File.Exists($"{state}/adhoc.yaml"));
            Assert.True(service.UnitJournalHas(l => l.Contains($"removed {state}/adhoc.yaml, left by an ad-hoc pod whose state this pod took over", StringComparison.Ordinal)),
                service.UnitJournalText());
        }
        finally
        {
            PodHarness.Run("rm", "-rf", state);
        }
    }
}

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>The pod's own journal (journalctl -M) and machinectl's verbs.</summary>
public sealed class PodJournalAndMachineTests
{
    [Fact]
    public void JournalctlMachineListsPodLinesAndTheyStayAfterStop()
    {
        using var pod = new PodHarness("rt-journal", PodHarness.BusyboxPod("rt-journal", "echo pod-journal-line; exec sleep 1000"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-M", "rt-journal").Contains("pod-journal-line")),
            string.Join('\n', pod.Journal("-M", "rt-journal")));
        // Only the pod's journal is visible through the machine, not the host's.
        Assert.DoesNotContain(pod.Journal("-M", "rt-journal"), l => l.Contains("Started pod@rt-journal", StringComparison.Ordinal));

        // The pod's ID is derived from the host's and its name: machined has the same.
        string id = PodUnits.Core.Identity.PodIdentity.PodId(PodUnits.Core.Identity.PodIdentity.ReadHostMachineId()!, "rt-journal");
        Assert.Equal($"Id={id}", PodHarness.Run("machinectl", "show", "rt-journal", "-p", "Id").Output.Trim());
        Assert.Equal(0, pod.Systemctl("stop", pod.Unit).Code);
        string dir = Directory.Exists("/var/log/journal") ? $"/var/log/journal/{id}" : $"/var/lib/podunits/pods/rt-journal/journal/{id}";
        Assert.Contains("pod-journal-line", pod.Journal("-D", dir));
    }

    [Fact]
    public void ThePodsJournaldKeepsSmallFilesAndABoundedCopyFromItsOwnSettings()
    {
        // journald sizes a file's data hash table, all of which it touches, for the largest
        // the file may grow: the pod's own settings keep its files (and that memory) small.
        string id = PodUnits.Core.Identity.PodIdentity.PodId(PodUnits.Core.Identity.PodIdentity.ReadHostMachineId()!, "rt-journal-size");
        string dir = Directory.Exists("/var/log/journal") ? $"/var/log/journal/{id}" : $"/var/lib/podunits/pods/rt-journal-size/journal/{id}";
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true); // a file from an earlier run keeps its table
        }
        using var pod = new PodHarness("rt-journal-size", PodHarness.BusyboxPod("rt-journal-size", "echo sized-line; exec sleep 1000"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-M", "rt-journal-size").Contains("sized-line")));
        string[] files = Directory.GetFiles(dir, "*.journal");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            string header = PodHarness.Run("journalctl", "--header", "--file", file).Output;
            var size = System.Text.RegularExpressions.Regex.Match(header, @"Data hash table size: (\d+)");
            Assert.True(size.Success, header);
            // 2 MiB * 4 / 768 / 3 items, systemd's sizing; the host's default here is forty times that.
            Assert.InRange(long.Parse(size.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 2L * 1024 * 1024 * 4 / 768 / 3);
        }
        // The pod keeps 32 MiB of its copy of the lines, not the host's allowance: journald
        // says so when it opens the journal ("System Journal (...) is 2.0M, max 32.0M, ...").
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-M", "rt-journal-size").Any(l => l.StartsWith("System Journal", StringComparison.Ordinal))),
            string.Join('\n', pod.Journal("-M", "rt-journal-size")));
        Assert.Contains(pod.Journal("-M", "rt-journal-size"), l => l.StartsWith("System Journal", StringComparison.Ordinal) && l.Contains(", max 32.0M,", StringComparison.Ordinal));
        // The settings are in the pod's private /run, not the host's.
        Assert.False(File.Exists("/run/systemd/journald.conf.d/00-podunits-pod.conf"));
    }

    [Fact]
    public void MachinectlPoweroffStopsThePodGracefully()
    {
        using var pod = new PodHarness("rt-poweroff", PodHarness.BusyboxPod("rt-poweroff", "trap 'echo got-term; exit 0' TERM; echo armed; while true; do sleep 0.2; done"));
        pod.Start();
        // READY comes when the container runs, maybe before its shell has set the trap.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("armed")));
        var poweroff = PodHarness.Run("machinectl", "poweroff", "rt-poweroff");
        Assert.True(poweroff.Code == 0, poweroff.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive"), pod.Show("ActiveState"));
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("got-term")), "the container saw SIGTERM");
        Assert.Equal("0", pod.Show("ExecMainStatus"));
    }

    [Fact]
    public void MachinectlTerminateStopsTheUnit()
    {
        using var pod = new PodHarness("rt-terminate", PodHarness.BusyboxPod("rt-terminate", "exec sleep 1000"));
        pod.Start();
        var terminate = PodHarness.Run("machinectl", "terminate", "rt-terminate");
        Assert.True(terminate.Code == 0, terminate.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive"), pod.Show("ActiveState"));
    }

    [Fact]
    public void MachinectlRebootRestartsThePod()
    {
        using var pod = new PodHarness("rt-reboot", PodHarness.BusyboxPod("rt-reboot", "echo boot; exec sleep 1000"));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("boot")));
        int before = pod.MainPid;
        var reboot = PodHarness.Run("machinectl", "reboot", "rt-reboot");
        Assert.True(reboot.Code == 0, reboot.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active" && pod.MainPid != before && pod.MainPid != 0),
            $"{pod.Show("ActiveState")} {pod.MainPid}");
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Count(l => l == "boot") == 2));
    }
}

using PodUnits.Planning.State;
namespace PodUnits.IntegrationTests.Runtime;

/// <summary>A pod started with systemctl: journal fields, machine, namespaces, scopes, stop.</summary>
[Collection(HostWideGc.Name)]
public sealed class PodLifecycleTests
{
    [Fact]
    public void HelloPodLogsWithFieldsAndRunsAsMachine()
    {
        using var pod = new PodHarness("rt-hello", PodHarness.BusyboxPod("rt-hello",
            "echo out-line-$(hostname); echo err-line >&2; " + PodHarness.Idle,
            extraContainerYaml: "      resources:\n        limits:\n          memory: 48Mi\n          cpu: 250m"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.Equal("active", pod.Show("ActiveState"));

        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main", "POD_NAME=rt-hello", "PRIORITY=6")
            .Contains("out-line-rt-hello")), "stdout line with fields in journalctl -u");
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "SYSLOG_IDENTIFIER=main", "PRIORITY=3")
            .Contains("err-line")), "stderr line at priority 3");
        string fields = PodHarness.Run("journalctl", "--no-pager", "-o", "verbose", "-u", pod.Unit, "MESSAGE=err-line").Output;
        Assert.Contains("CONTAINER_ID_FULL=", fields, StringComparison.Ordinal);
        Assert.Matches("CONTAINER_ID=[0-9a-f]{12}\n", fields);
        Assert.Matches("POD_ID=[0-9a-f]{32}\n", fields);

        var machine = PodHarness.Run("machinectl", "show", "rt-hello", "-p", "Class", "-p", "Service", "-p", "Leader");
        Assert.Contains("Class=container", machine.Output, StringComparison.Ordinal);
        Assert.Contains("Service=podunits", machine.Output, StringComparison.Ordinal);
        string leader = machine.Output.Split('\n').Single(l => l.StartsWith("Leader=", StringComparison.Ordinal))[7..];
        // machined reads os-release under the leader's root: the pod, not the host's distribution.
        Assert.Contains("OS: PodUnits pod rt-hello", PodHarness.Run("machinectl", "status", "rt-hello", "--no-pager").Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^rt-hello\s+container\s+podunits\s+podunits\s", PodHarness.Run("machinectl", "list", "--no-legend").Output);
        Assert.NotEqual(File.ReadAllText("/etc/os-release"), PodHarness.Run("nsenter", "-t", leader, "-m", "cat", "/etc/os-release").Output);
        var inside = PodHarness.Run("nsenter", "-t", leader, "-a", "sh", "-c", "hostname; cat /proc/1/comm; cat /proc/1/cmdline | tr '\\0' ' '");
        // The plan comes in a sealed memfd, at the descriptor after the one container's two pipes.
        Assert.Equal(["rt-hello", "podunits-stage1", "podunits-stage1 pod-init /proc/self/fd/6 "],
            inside.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // The unit's main process is still `podunits run` (systemd started it), now running stage 1.
        // Every stage 1 process runs the installed file through a read-only mount of its own
        // (Stage1.ReadOnlyView): a container whose command is a "#!/proc/self/exe" script gets
        // the kernel to run stage 1 inside it, and its /proc/PID/exe must not be a way to write
        // the host's binary (confinement review of 2026-12-06, finding 1).
        foreach (string pid in new[] { pod.MainPid.ToString(System.Globalization.CultureInfo.InvariantCulture), leader })
        {
            string exe = $"/proc/{pid}/exe";
            Assert.Equal("/podunits-stage1", new FileInfo(exe).LinkTarget);
            Assert.True(IsOnReadOnlyMount(exe), $"{exe} is on a writable mount");
            Assert.Equal(PodHarness.Run("stat", "-L", "-c", "%d:%i", "/usr/libexec/podunits/podunits-stage1").Output,
                PodHarness.Run("stat", "-L", "-c", "%d:%i", exe).Output);
        }
        Assert.StartsWith("podunits-stage1 run /proc/self/fd/",
            File.ReadAllText($"/proc/{pod.MainPid}/cmdline").Replace('\0', ' '), StringComparison.Ordinal);

        string scope = "podunits-rt\\x2dhello-main.scope";
        Assert.Equal("active", pod.Show("ActiveState", scope));
        // READY came once the container had exec'd its command: no set-up code left in its scope.
        string inScope = PodHarness.Run("systemd-cgls", "--no-pager", "-u", scope).Output;
        Assert.Contains("sleep 1000", inScope, StringComparison.Ordinal);
        Assert.DoesNotContain("container-start", inScope, StringComparison.Ordinal);
        Assert.Equal((48L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Show("MemoryMax", scope));
        Assert.Equal("250ms", pod.Show("CPUQuotaPerSecUSec", scope));
        Assert.Equal("2048", pod.Show("TasksMax", scope)); // podunits.yaml's pidsLimit by default, podman's pids_limit
        Assert.Equal("machine-podunits-rt\\x2dhello.slice", pod.Show("Slice", scope));

        var stop = pod.Systemctl("stop", pod.Unit);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.Equal("inactive", pod.Show("ActiveState"));
        Assert.False(PodHarness.MachineRegistered("rt-hello"), "machine left registered");
        Assert.Equal("inactive", pod.Show("ActiveState", scope));
    }

    [Fact]
    public void ContainerThatIgnoresSigtermIsKilledAfterGracePeriod()
    {
        using var pod = new PodHarness("rt-stubborn", PodHarness.BusyboxPod("rt-stubborn",
            "trap '' TERM; echo ready; while true; do sleep 1; done").Replace("terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 2", StringComparison.Ordinal));
        pod.Start();
        // READY comes when the container runs, maybe before its shell has set the trap.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("ready")));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        pod.Systemctl("stop", pod.Unit);
        // It waited out the grace period (a stop cannot be quicker than that)...
        Assert.True(clock.Elapsed.TotalSeconds >= 1.5, $"stopped after {clock.Elapsed.TotalSeconds:F1} s");
        // ...and then the pod init's SIGKILL ended it, not systemd at the unit's stop timeout:
        // what an upper bound on the clock would only guess at, and miss under load.
        Assert.NotEqual("timeout", pod.Show("Result"));
        Assert.True(pod.UnitJournalHas(l => l.StartsWith("container main exited with signal 9", StringComparison.Ordinal)), pod.UnitJournalText());
        Assert.Equal("inactive", pod.Show("ActiveState", "podunits-rt\\x2dstubborn-main.scope"));
        // This pod's own command line: ProbeTests runs another shell that ignores SIGTERM meanwhile.
        Assert.Empty(PodHarness.Run("pgrep", "-f", "trap '' TERM; echo ready").Output.Trim());
    }

    [Fact]
    public void MissingExecutableFailsWithOneClearLine()
    {
        using var pod = new PodHarness("rt-missing", PodHarness.BusyboxPod("rt-missing", "unused")
            .Replace("command: [\"sh\", \"-c\", \"unused\"]", "command: [\"/no/such/binary\"]", StringComparison.Ordinal));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        Assert.Contains("container main: executable \"/no/such/binary\" not found in image", pod.Journal("-u", pod.Unit));
        Assert.Equal("127", pod.Show("ExecMainStatus"));
        // systemctl status's line says why, not the pod's last step.
        Assert.Equal("failed: container main exited with status 127 (executable not found)", pod.Show("StatusText"));
    }

    [Fact]
    public void ACommandThatIsNotExecutableFailsWith126()
    {
        // A directory where the command should be: there, but nothing execve can run.
        using var pod = new PodHarness("rt-noexec", PodHarness.BusyboxPod("rt-noexec", "unused")
            .Replace("command: [\"sh\", \"-c\", \"unused\"]", "command: [\"/bin\"]", StringComparison.Ordinal));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        Assert.Contains("container main: \"/bin\" is not executable (no execute permission, or not a file)", pod.Journal("-u", pod.Unit));
        Assert.True(pod.UnitJournalHas(l => l.Contains("exited with status 126 (not executable)", StringComparison.Ordinal)), pod.UnitJournalText());
        Assert.Equal("126", pod.Show("ExecMainStatus"));
    }

    [Fact]
    public void BadInputIsNotRestartedUnderRestartAlways()
    {
        // Exit status 2 (a capability pod@.service drops, here) does not fix itself: without
        // RestartPreventExitStatus=2 systemd tried five times in a second, logging the same
        // error five times, and ended at the start limit.
        using var pod = new PodHarness("rt-bad-always", PodHarness.BusyboxPod("rt-bad-always", "echo must-not-run",
            extraContainerYaml: "      securityContext:\n        capabilities: {add: [SYSLOG]}", restartPolicy: "Always"));
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        Thread.Sleep(500); // a restart would be scheduled within RestartSec= (100 ms)
        Assert.Equal(("failed", "0", "2"), (pod.Show("ActiveState"), pod.Show("NRestarts"), pod.Show("ExecMainStatus")));
        Assert.Single(pod.Journal("-u", pod.Unit), l => l.Contains("CAP_SYSLOG cannot be granted", StringComparison.Ordinal));
        string status = pod.Show("StatusText");
        Assert.True(status.StartsWith("failed: ", StringComparison.Ordinal) && status.Contains("CAP_SYSLOG cannot be granted", StringComparison.Ordinal), status);
    }

    [Fact]
    public void AKilledExecutorIsRestartedUnderRestartAlways()
    {
        // Restart=always (restartPolicy Always): systemd starts the unit again at once, while
        // machined still holds the killed run's machine, as it drops one only with its unit.
        using var pod = new PodHarness("rt-revive", PodHarness.BusyboxPod("rt-revive", "echo up; " + PodHarness.Idle, restartPolicy: "Always"));
        pod.Start();
        int first = pod.MainPid;
        PodHarness.Run("kill", "-9", first.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active" && pod.MainPid != first && pod.MainPid != 0, seconds: 30),
            $"{pod.Show("ActiveState")} {pod.Show("NRestarts")}: {pod.UnitJournalText()}");
        // The first start after the kill succeeded: two starts in all. Not NRestarts == 1: a
        // daemon-reload (another test's) while the unit waits to restart makes systemd 252
        // schedule the restart again and count it twice (seen in CI on 2026-12-07).
        static bool Starting(string l) => l.StartsWith("Starting pod@rt-revive.service", StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Count(Starting) >= 2), pod.UnitJournalText());
        Assert.Equal(2, pod.Journal("-u", pod.Unit).Count(Starting));
        // The machine is this run's: its leader is alive and in the unit.
        string leader = PodHarness.Run("machinectl", "show", "rt-revive", "-p", "Leader", "--value").Output.Trim();
        Assert.True(Directory.Exists($"/proc/{leader}"), $"leader {leader} is not alive");
        Assert.Equal("pod@rt-revive.service", PodHarness.Run("machinectl", "show", "rt-revive", "-p", "Unit", "--value").Output.Trim());
    }

    [Fact]
    public void AKilledPodInitFailsThePodSayingSo()
    {
        using var pod = new PodHarness("rt-init-kill", PodHarness.BusyboxPod("rt-init-kill", "exec sleep 4243"));
        pod.Start();
        string init = PodHarness.Run("pgrep", "-P", pod.MainPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-x", "podunits-stage1").Output.Trim();
        Assert.Matches("^[0-9]+$", init);
        PodHarness.Run("kill", "-KILL", init);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.Show("ActiveState"));
        // Not "status 137", which reads as a container's.
        Assert.True(pod.UnitJournalHas(l => l == "pod rt-init-kill failed: the pod init was killed by signal 9"), pod.UnitJournalText());
        Assert.Equal("failed: the pod init was killed by signal 9", pod.Show("StatusText"));
        // Its container was last recorded running: status says its end was not seen.
        string status = PodHarness.StatusText("rt-init-kill");
        Assert.Contains("unknown (the pod ended without seeing it end), not ready", status, StringComparison.Ordinal);
        Assert.DoesNotContain("running, ready", status, StringComparison.Ordinal);
    }

    [Fact]
    public void SigkillOfExecutorLeavesNothingBehind()
    {
        using var pod = new PodHarness("rt-crash", PodHarness.BusyboxPod("rt-crash", "echo up; exec sleep 4242"));
        pod.Start();
        Assert.True(PodHarness.MachineRegistered("rt-crash"), "machine not registered");
        PodHarness.Run("kill", "-9", pod.MainPid.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") is "failed" or "inactive"), pod.Show("ActiveState"));
        // A killed executor leaves no "failed: WHY" of its own: status says what systemd saw.
        Assert.Contains("Result: signal (the executor was killed by SIGKILL)", PodHarness.StatusText("rt-crash"), StringComparison.Ordinal);
        Assert.Contains("\"failure\": \"the executor was killed by SIGKILL\"", PodHarness.Run("podunits", "status", "rt-crash", "-o", "json").Output,
            StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-f", "sleep 4242").Output.Trim().Length == 0), "container process left");
        // machined drops the machine once its unit is no longer active.
        if (!PodHarness.WaitFor(() => !PodHarness.MachineRegistered("rt-crash")))
        {
            Assert.Fail($"machine left registered: {PodHarness.Run("machinectl", "show", "rt-crash").Output}\n"
                + $"unit {pod.Show("ActiveState")}/{pod.Show("SubState")}, its processes: {PodHarness.Run("systemd-cgls", "--no-pager", "-u", pod.Unit).Output}\n"
                + string.Join('\n', pod.Journal("-u", pod.Unit, "-o", "short-precise", "-n", "40")));
        }
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState", "podunits-rt\\x2dcrash-main.scope") == "inactive"), "scope left");
        // The one mount left is the pinned network namespace, kept on purpose so CNI DEL
        // finds the interface (Network/NetnsPins.cs).
        Assert.Equal(["/run/podunits/netns/rt-crash"], MountsMentioning("rt-crash"));

        // Only the runtime state, the image pin and the network attachment are left;
        // `podunits gc` (PodStateGc) removes them, so the crashed pod no longer keeps busybox
        // from `image rm` nor holds its address.
        Assert.True(Directory.Exists("/run/podunits/state/rt-crash"));
        // The pin names the reference and the manifest digest it resolved to.
        Assert.Matches("^busybox sha256:[0-9a-f]{64} u[0-9]+$", File.ReadAllText("/var/lib/podunits/pods/rt-crash/images").Trim());
        Assert.Contains("rt-crash", PodUnits.Planning.State.PodStateGc.Collect());
        Assert.False(Directory.Exists("/run/podunits/state/rt-crash"));
        Assert.False(File.Exists("/var/lib/podunits/pods/rt-crash/images"));
        Assert.Empty(MountsMentioning("rt-crash"));

        // The next start works (stale runtime state is taken over).
        pod.Systemctl("reset-failed", pod.Unit);
        var again = pod.Systemctl("start", pod.Unit);
        Assert.True(again.Code == 0, again.Output);
    }

    /// <summary>systemd keeps a pod's implicit slice active after its last scope has gone, and
    /// a killed executor cannot stop it: `podunits gc` does, and the pod starts again after.</summary>
    [Fact]
    public void GcStopsTheSliceAKilledPodLeft()
    {
        using var pod = new PodHarness("rt-slice", PodHarness.BusyboxPod("rt-slice", PodHarness.Idle));
        const string Slice = "machine-podunits-rt\\x2dslice.slice";
        pod.Start();
        Assert.Equal("active", pod.Show("ActiveState", Slice));
        PodHarness.Run("kill", "-9", pod.MainPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") is "failed" or "inactive"), pod.Show("ActiveState"));
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState", "podunits-rt\\x2dslice-main.scope") == "inactive"), "scope left");
        Assert.Equal("active", pod.Show("ActiveState", Slice)); // what gc is for

        var gc = PodHarness.Run("podunits", "gc");
        Assert.True(gc.Code == 0, gc.Output);
        Assert.Contains($"stopped {Slice}", gc.Output, StringComparison.Ordinal);
        Assert.Equal("inactive", pod.Show("ActiveState", Slice));
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("systemctl", "list-units", "--all", "--plain", "--no-legend", Slice).Output.Trim().Length == 0, 10),
            PodHarness.Run("systemctl", "show", "-p", "LoadState", "-p", "ActiveState", Slice).Output);

        pod.Systemctl("reset-failed", pod.Unit);
        pod.Start();
        Assert.Equal("active", pod.Show("ActiveState", Slice));
        Assert.DoesNotContain(Slice, PodHarness.Run("podunits", "gc").Output, StringComparison.Ordinal); // a running pod's slice stays
        Assert.Equal("active", pod.Show("ActiveState", Slice));
    }

    /// <summary>Mount points (proc(5) mountinfo field 5) whose path mentions <paramref name="text"/>.</summary>
    /// <summary>Mount points with <paramref name="pod"/> as a whole path component (not
    /// "rt-crashloop"'s for "rt-crash").</summary>
    private static string[] MountsMentioning(string pod) =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.Split('/').Contains(pod))];

    /// <summary>Both ways to the host journal: journald's stream protocol (the generator's
    /// LogExtraFields= for a one-container pod) and a datagram per line (a second, idle
    /// container makes the fields differ per line).</summary>
    [Theory]
    [InlineData("rt-flood-stream", false)]
    [InlineData("rt-flood", true)]
    public void HundredThousandLinesArriveInOrder(string name, bool secondContainer)
    {
        string side = secondContainer ? "    - name: idle\n      image: busybox\n      command: [\"sleep\", \"1000\"]" : "";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "seq 1 100000; " + PodHarness.Idle, extraContainerYaml: side));
        // The flood (about 40 MB of journal) starts in a fresh journal file. When a file
        // fills up during a write, journald 252 rotates and writes that entry again into the
        // new file, so it is stored twice (systemd/systemd#29016; 3 runs in 30 here, each
        // copy with the same timestamps and seqnums one apart: docs/journal.md).
        Assert.Equal(0, PodHarness.Run("journalctl", "--rotate").Code);
        pod.Start();
        string[] lines = [];
        PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main", "SYSLOG_IDENTIFIER=main")).Length >= 100000,
            seconds: 120);
        // Every number once, in order: the first line that breaks the sequence (a loss, a
        // duplicate or something else) is named with its neighbours.
        int broken = Enumerable.Range(0, lines.Length)
            .FirstOrDefault(i => lines[i] != (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), -1);
        Assert.True(broken < 0 && lines.Length == 100000,
            $"{lines.Length} lines; the sequence breaks at index {broken}: "
            + string.Join(" | ", lines.Skip(Math.Max(0, (broken < 0 ? 100000 : broken) - 2)).Take(5)));
    }

    /// <summary>statvfs(2) of <paramref name="path"/> (links followed) says ST_RDONLY: the
    /// mount or its filesystem is read-only.</summary>
    private static unsafe bool IsOnReadOnlyMount(string path)
    {
        const ulong ST_RDONLY = 1;
        using var p = new PodUnits.Core.Native.CString(path);
        Tmds.Linux.statvfs status;
        PodUnits.Core.Native.Check.Io(Tmds.Linux.LibC.statvfs(p, &status), "statvfs", path);
        return ((ulong)status.f_flag & ST_RDONLY) != 0;
    }
}

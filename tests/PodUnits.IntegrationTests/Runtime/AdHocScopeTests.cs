using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// An ad-hoc pod (`podunits run -i`) has a unit of its own, podunits-NAME.scope, as nspawn
/// makes machine-NAME.scope: machined registers the pod under it, not under the caller's
/// unit, so `machinectl terminate` stops the pod and nothing of the caller's, and a killed
/// executor leaves no machine that would block the name.
/// </summary>
public sealed class AdHocScopeTests
{
    private const string Podunits = "/usr/bin/podunits"; // the installed binary, not the test build beside this assembly

    [Fact]
    public async Task MachinectlTerminateStopsTheAdHocPodGracefullyAndNotItsCaller()
    {
        const string pod = "it-terminate";
        using Process run = StartIdle(pod);
        Task<string> output = run.StandardOutput.ReadToEndAsync();
        Assert.True(PodHarness.WaitFor(() => MachineUnit(pod) != ""), PodHarness.StatusText(pod));
        string scope = $"podunits-{PodUnits.Systemd.Naming.UnitNameEscaping.Escape(pod)}.scope"; // podunits-it\x2dterminate.scope
        Assert.Equal(scope, MachineUnit(pod));
        Assert.NotEqual(OwnUnit(), scope);
        // status shows the pod's own unit and its executor, the process `run -i` became, and
        // the container's lines (journald files them under the scope).
        Assert.Contains($"Unit: {scope}: active (running), executor PID {run.Id}", PodHarness.StatusText(pod), StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => PodHarness.StatusText(pod).Contains("main | idle-started", StringComparison.Ordinal)), PodHarness.StatusText(pod));

        // Stopping the machine stops the scope: the container gets its SIGTERM (it says so
        // and ends well), and `run` returns the pod's status. Under the caller's unit this
        // would have stopped the test run itself.
        var terminate = PodHarness.Run("machinectl", "terminate", pod);
        Assert.True(terminate.Code == 0, terminate.Output);
        Assert.True(run.WaitForExit(30_000), "the pod went on after machinectl terminate");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("got-term", await output, StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("systemctl", "is-active", scope).Output.Trim() != "active"));
        Assert.False(Directory.Exists($"/run/podunits/state/{pod}"));
        // Its lines are the scope's in the journal, which `podunits logs` reads.
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run(Podunits, "logs", pod).Output.Contains("got-term", StringComparison.Ordinal)),
            PodHarness.Run(Podunits, "logs", pod).Output);
    }

    [Fact]
    public void AKilledAdHocExecutorLeavesNoMachineAndTheNameFree()
    {
        const string pod = "it-killed";
        using (Process run = StartIdle(pod))
        {
            Assert.True(PodHarness.WaitFor(() => MachineUnit(pod) != ""), PodHarness.StatusText(pod));
            run.Kill(); // SIGKILL: no cleanup of its own
            run.WaitForExit();
        }
        // The pod init stops the pod once its executor is gone; the scope ends with its last
        // process, and machined drops the machine with its unit.
        Assert.True(PodHarness.WaitFor(() => !PodHarness.MachineRegistered(pod), 30),
            PodHarness.Run("machinectl", "status", pod).Output);
        var again = PodHarness.Run(Podunits, "run", "-i", "--name", pod, "busybox", "--", "echo", "again");
        Assert.True(again.Code == 0, again.Output);
        Assert.Contains("again", again.Output, StringComparison.Ordinal);
    }

    /// <summary>`run -i` of a container that says "got-term" on SIGTERM and ends well; its
    /// stdin stays open, so it runs until stopped.</summary>
    private static Process StartIdle(string pod)
    {
        string[] args = ["run", "-i", "--name", pod, "busybox", "--", "sh", "-c", "echo idle-started; trap 'echo got-term; exit 0' TERM; sleep 1000 & wait"];
        return PodHarness.StartPodunits(args);
    }

    /// <summary>The unit machined registered machine <paramref name="pod"/> under; "" while there is none.</summary>
    private static string MachineUnit(string pod)
    {
        var show = PodHarness.Run("machinectl", "show", pod, "-p", "Unit", "--value");
        return show.Code == 0 ? show.Output.Trim() : "";
    }

    private static string OwnUnit() => File.ReadAllText("/proc/self/cgroup").Trim().Split('/')[^1];

    [Fact]
    public async Task ADefinitionsPodRunByHandHasItsOwnScopeAndStopsWithPodunitsStop()
    {
        // `podunits run NAME` typed in a shell: before, machined registered the pod under the
        // caller's unit (`machinectl terminate` ended the caller's session) and `podunits
        // stop` returned 0 and stopped nothing.
        const string pod = "it-by-hand";
        using var definition = new PodHarness(pod, PodHarness.BusyboxPod(pod, "echo by-hand-started; trap 'echo got-term; exit 0' TERM; sleep 1000 & wait"));
        var info = new ProcessStartInfo(Podunits) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("run");
        info.ArgumentList.Add(pod);
        using Process run = Process.Start(info)!;
        Task<string> output = run.StandardError.ReadToEndAsync();
        string scope = $"podunits-{PodUnits.Systemd.Naming.UnitNameEscaping.Escape(pod)}.scope";
        Assert.True(PodHarness.WaitFor(() => MachineUnit(pod) != ""), PodHarness.StatusText(pod));
        Assert.Equal(scope, MachineUnit(pod));
        Assert.Equal("active", PodHarness.Run("systemctl", "is-active", scope).Output.Trim());
        Assert.Matches($@"(?m)^{pod}\s+active\s+yes\s", PodHarness.Run(Podunits, "list").Output);
        Assert.Contains($"Unit: {scope}: active (running), executor PID {run.Id}", PodHarness.StatusText(pod), StringComparison.Ordinal);

        var stop = PodHarness.Run(Podunits, "stop", pod);
        Assert.True(stop.Code == 0, stop.Output);
        Assert.True(run.HasExited || run.WaitForExit(10_000), "podunits stop returned while the pod still ran");
        Assert.Equal(0, run.ExitCode);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run(Podunits, "logs", pod).Output.Contains("got-term", StringComparison.Ordinal)),
            PodHarness.Run(Podunits, "logs", pod).Output + await output);
        Assert.False(Directory.Exists($"/run/podunits/state/{pod}"));
    }

    [Fact]
    public void APodRunByAServiceOfTheHostsOwnShowsItsLinesInPodunitsLogs()
    {
        // `ExecStart=podunits run NAME` in a unit of the administrator's: that service is the
        // pod's unit, and journald files the pod's lines under it. `podunits logs` matched
        // only pod@NAME.service and the ad-hoc scope, and showed nothing.
        const string pod = "it-own-service";
        const string service = "it-own-runner.service";
        using var definition = new PodHarness(pod, PodHarness.BusyboxPod(pod, "echo own-service-started; trap 'echo got-term; exit 0' TERM; sleep 1000 & wait"));
        var start = PodHarness.Run("systemd-run", $"--unit={service}", "--service-type=exec", "--collect", Podunits, "run", pod);
        Assert.True(start.Code == 0, start.Output);
        try
        {
            Assert.True(PodHarness.WaitFor(() => PodHarness.Run(Podunits, "logs", pod).Output.Contains("main | own-service-started", StringComparison.Ordinal)),
                PodHarness.Run(Podunits, "logs", pod).Output + PodHarness.Run("journalctl", "--no-pager", "-u", service).Output);
        }
        finally
        {
            PodHarness.Run("systemctl", "stop", service);
        }
        // The record outlives the run: the lines of a pod that has stopped are found too.
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run(Podunits, "logs", pod).Output.Contains("main | got-term", StringComparison.Ordinal)),
            PodHarness.Run(Podunits, "logs", pod).Output);
        // What a process of that service sends as another user is no line of the pod's,
        // whatever fields it claims.
        var forged = PodHarness.Run("systemd-run", $"--unit={service}", "--uid=65534", "--wait", "--collect", "/bin/sh", "-c",
            $"printf 'MESSAGE=forged\\nPOD_NAME={pod}\\nCONTAINER_NAME=main\\nSYSLOG_IDENTIFIER=main\\n' | logger --journald");
        Assert.True(forged.Code == 0, forged.Output);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("journalctl", "--no-pager", "-o", "cat", $"POD_NAME={pod}", "_UID=65534").Output.Contains("forged", StringComparison.Ordinal)),
            "the forged line never reached the journal");
        Assert.DoesNotContain("forged", PodHarness.Run(Podunits, "logs", pod).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void StopOfAPodRunByAServiceOfTheHostsOwnStopsThatServiceForGood()
    {
        // Lifecycle review of 2026-12-07, finding 1: `podunits stop` SIGTERMed the executor,
        // which systemd took for a crash of the service's main process, and Restart=always
        // started the pod again about 100 ms later.
        const string pod = "it-own-restart";
        const string service = "it-own-restart.service";
        using var definition = new PodHarness(pod, PodHarness.BusyboxPod(pod, "echo own-restart-started; trap 'echo got-term; exit 0' TERM; sleep 1810 & wait"));
        var start = PodHarness.Run("systemd-run", $"--unit={service}", "-p", "Restart=always", "--service-type=exec", "--collect", Podunits, "run", pod);
        Assert.True(start.Code == 0, start.Output);
        try
        {
            Assert.True(PodHarness.WaitFor(() => PodHarness.Run(Podunits, "logs", pod).Output.Contains("main | own-restart-started", StringComparison.Ordinal)),
                PodHarness.Run(Podunits, "logs", pod).Output + PodHarness.Run("journalctl", "--no-pager", "-u", service).Output);
            var stop = PodHarness.Run(Podunits, "stop", pod);
            Assert.True(stop.Code == 0, stop.Output);
            Thread.Sleep(3000); // past RestartSec= (100 ms): a restart would have come by now
            Assert.NotEqual("active", PodHarness.Run("systemctl", "is-active", service).Output.Trim());
            Assert.False(Directory.Exists($"/run/podunits/state/{pod}"), PodHarness.StatusText(pod));
            Assert.DoesNotContain("active (running)", PodHarness.StatusText(pod), StringComparison.Ordinal);
        }
        finally
        {
            PodHarness.Run("systemctl", "stop", service);
        }
    }

    [Fact]
    public void AHangUpStopsThePodGracefullyAndUserSignalsAreIgnored()
    {
        // By their default action these killed the executor outright: no grace period, the
        // container never saw its SIGTERM, and the network was left for gc.
        const string pod = "it-hangup";
        using var service = new PodHarness(pod, PodHarness.BusyboxPod(pod, "echo hangup-started; trap 'echo got-term; exit 0' TERM; sleep 1000 & wait"));
        var start = service.Systemctl("start", service.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(PodHarness.WaitFor(() => service.Journal("-u", service.Unit).Contains("hangup-started")));
        int executor = service.MainPid;

        foreach (string signal in (string[])["SIGUSR1", "SIGUSR2"])
        {
            var kill = PodHarness.Run("systemctl", "kill", "--kill-whom=main", $"--signal={signal}", service.Unit);
            Assert.True(kill.Code == 0, kill.Output);
        }
        Assert.True(service.UnitJournalHas(l => l.Contains("ignoring SIGUSR2", StringComparison.Ordinal)), service.UnitJournalText());
        Assert.Equal("active", service.Show("ActiveState"));
        Assert.Equal(executor, service.MainPid);

        var hangup = PodHarness.Run("systemctl", "kill", "--kill-whom=main", "--signal=SIGHUP", service.Unit);
        Assert.True(hangup.Code == 0, hangup.Output);
        Assert.True(PodHarness.WaitFor(() => service.Show("ActiveState") == "inactive"), service.UnitJournalText());
        Assert.Contains("got-term", service.Journal("-u", service.Unit));
        Assert.Equal("success", service.Show("Result"));
        Assert.Equal("0", service.Show("ExecMainStatus")); // an exit of its own, not death by the signal
        Assert.False(Directory.Exists($"/run/podunits/state/{pod}"));
        Assert.False(File.Exists($"/run/podunits/netns/{pod}"));
    }
}

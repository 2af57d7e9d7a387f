using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A Localhost seccomp profile that refuses one of the calls the container's last steps make
/// after the filter (docs/confinement.md: without no_new_privs the filter comes first) fails
/// the start as documented: exit 125 and that call's EPERM in the journal. The filter is the
/// calling thread's alone; the C library's setgroups changed every .NET thread of
/// container-start, the unfiltered ones succeeded, and it aborted on the disagreement: exit
/// 134, nothing in the journal, and the pod init reported the container running (stage 1
/// native review of 2026-12-07, finding 5).
/// </summary>
public sealed class LocalhostSeccompTests
{
    private const string Profile = "podunits-test-no-setgroups.json";

    [Fact]
    public void AProfileRefusingSetgroupsFailsTheStartWithItsEperm()
    {
        const string name = "sc-no-setgroups";
        string path = Path.Combine("/var/lib/podunits/seccomp", Profile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """
            {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["setgroups"], "action": "SCMP_ACT_ERRNO"}]}
            """);
        try
        {
            using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo must-not-run; sleep 1961",
                extraContainerYaml: $"      securityContext:\n        seccompProfile: {{type: Localhost, localhostProfile: {Profile}}}"));
            pod.Systemctl("start", "--no-block", pod.Unit);
            Assert.True(pod.UnitJournalHas(l => l.Contains(
                "container main: cannot become user 0, group 0: Operation not permitted", StringComparison.Ordinal)), pod.UnitJournalText());
            Assert.True(pod.UnitJournalHas(l => l.Contains("container main exited with status 125", StringComparison.Ordinal)), pod.UnitJournalText());
            Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed"), pod.UnitJournalText());
            Assert.DoesNotContain(pod.Journal("-u", pod.Unit), l => l.Contains("must-not-run", StringComparison.Ordinal)
                || l.Contains("exited with signal 6", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A tight profile, as a recorder writes for what the container's own processes
    /// call, need not allow what waiting for a command takes (rt_sigtimedwait), nor what
    /// container-exec's process only checks with between its filter and its execve (getppid)
    /// or needs only for a terminal (setsid). The relay waits outside the container's filter,
    /// and the checks are skipped when refused: `podunits enter` and an exec probe work, and
    /// the command itself runs under the filter (review of the 2026-12-08 container-exec
    /// change, finding 1).</summary>
    [Fact]
    public void EnterAndExecProbesWorkUnderAProfileRefusingWhatExecOnlyWaitsOrChecksWith()
    {
        const string name = "sc-no-sigwait";
        const string profile = "podunits-test-no-sigwait.json";
        string path = Path.Combine("/var/lib/podunits/seccomp", profile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """
            {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["rt_sigtimedwait"], "action": "SCMP_ACT_KILL_PROCESS"},
              {"names": ["getppid", "setsid"], "action": "SCMP_ACT_ERRNO"}]}
            """);
        try
        {
            using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "sleep 1962",
                extraContainerYaml: $"      securityContext:\n        seccompProfile: {{type: Localhost, localhostProfile: {profile}}}\n" +
                    "      readinessProbe:\n        exec:\n          command: [\"true\"]\n        periodSeconds: 1"));
            // Started means ready: the exec probe passed.
            Assert.Equal(0, pod.Systemctl("start", pod.Unit).Code);
            var enter = PodHarness.Run("/usr/bin/podunits", "enter", name, "--", "sh", "-c", "echo entered; grep ^Seccomp: /proc/self/status");
            Assert.True(enter.Code == 0, enter.Output);
            Assert.Contains("entered", enter.Output, StringComparison.Ordinal);
            Assert.Matches(@"Seccomp:\s+2", enter.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

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
}

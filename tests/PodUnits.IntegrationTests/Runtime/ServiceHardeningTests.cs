using System.Globalization;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// pod@.service's hardening: no process of a pod, not even a privileged container, may load
/// kernel modules (CAP_SYS_MODULE) or read the kernel log (CAP_SYSLOG); everything else a
/// privileged container is promised stays. `podunits enter` into one included.
/// </summary>
public sealed class ServiceHardeningTests
{
    private const int CapSysModule = 16;
    private const int CapSyslog = 34;

    [Fact]
    public void PrivilegedContainerHasEveryCapabilityButModulesAndKernelLog()
    {
        using var pod = new PodHarness("rt-hardening", PodHarness.BusyboxPod("rt-hardening",
            "grep CapBnd /proc/self/status | tr -s '\\t' ' '; " + PodHarness.Idle,
            extraContainerYaml: "      securityContext:\n        privileged: true"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Any(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))),
            string.Join('\n', pod.Journal("-u", pod.Unit)));

        ulong host = BoundingSet(File.ReadAllLines("/proc/1/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)));
        ulong container = BoundingSet(lines.First(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)));
        ulong executor = BoundingSet(File.ReadAllLines($"/proc/{pod.MainPid}/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)));
        ulong taken = (1UL << CapSysModule) | (1UL << CapSyslog);
        // The unit takes them (the sandbox's nspawn may have taken them from the whole host
        // already, so the sets alone could not tell) ...
        string unitSet = pod.Show("CapabilityBoundingSet");
        Assert.DoesNotContain("cap_sys_module", unitSet, StringComparison.Ordinal);
        Assert.DoesNotContain("cap_syslog", unitSet, StringComparison.Ordinal);
        Assert.Contains("cap_sys_admin", unitSet, StringComparison.Ordinal);
        // ... and a privileged container starts with everything else the host has.
        Assert.Equal(host & ~taken, container);
        Assert.Equal(host & ~taken, executor);
        // A command `podunits enter` starts there from a root shell, whose own bounding set
        // holds both, gets no more than the container's own process.
        var entered = PodHarness.Run("/usr/bin/podunits", "enter", "rt-hardening", "--", "grep", "-E", "^Cap(Bnd|Eff|Prm):", "/proc/self/status");
        Assert.True(entered.Code == 0, entered.Output);
        foreach (string field in new[] { "CapBnd", "CapEff", "CapPrm" })
        {
            ulong set = BoundingSet(entered.Output.Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal)));
            Assert.True(set == (host & ~taken), $"{field} of the entered command is {set:x16}, the container's bounding set {container:x16}:\n{entered.Output}");
        }
    }

    private static ulong BoundingSet(string statusLine) =>
        ulong.Parse(statusLine.Split(':')[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

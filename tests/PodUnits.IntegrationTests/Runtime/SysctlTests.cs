namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// spec.securityContext.sysctls through `systemctl start pod@NAME`: a safe sysctl and one the
/// host's /etc/podunits/podunits.yaml allows are set in the pod's own namespaces, seen from
/// inside the container, while the host keeps its values; an unsafe one the host does not
/// allow is refused by `podunits validate` at its line and column. Only the pods' own
/// namespaces are ever changed. The tests of this class run one after another, so the
/// settings file one writes is not seen by the other.
/// </summary>
[Collection(HostWideSettings.Name)] // it writes the host's settings file every pod reads (test review of 2026-12-06, finding 7)
public sealed class SysctlTests
{
    // Values no kernel has as its default, so "unchanged on the host" means something.
    private static readonly (string Name, string Value)[] Set =
    [
        ("net.ipv4.ip_unprivileged_port_start", "555"), // safe
        ("net.core.somaxconn", "1234"),                 // unsafe, allowed by name
        ("kernel.msgmax", "12345"),                     // unsafe, allowed by prefix
    ];

    private static string ProcFile(string name) => "/proc/sys/" + name.Replace('.', '/');

    private static string SysctlPod(string name, IEnumerable<(string Name, string Value)> sysctls) =>
        PodHarness.BusyboxPod(name, PodHarness.Idle, extraSpecYaml:
            "  securityContext:\n    sysctls:\n" + string.Concat(sysctls.Select(s => $"      - {{name: {s.Name}, value: \"{s.Value}\"}}\n")));

    [Fact]
    public void SafeAndAllowedUnsafeSysctlsAreSetInThePodOnly()
    {
        const string name = "rt-sysctl";
        var hostBefore = Set.ToDictionary(s => s.Name, s => File.ReadAllText(ProcFile(s.Name)).Trim());
        Assert.All(Set, s => Assert.NotEqual(s.Value, hostBefore[s.Name]));
        HostWideSettings.With("allowedUnsafeSysctls:\n  - net.core.somaxconn\n  - kernel.msg*\n", () =>
        {
            using var pod = new PodHarness(name, SysctlPod(name, Set));
            var start = pod.Systemctl("start", pod.Unit);
            Assert.True(start.Code == 0, start.Output + string.Join('\n', pod.Journal("-u", pod.Unit)));
            foreach ((string sysctl, string value) in Set)
            {
                var inside = PodHarness.Run("podunits", "enter", name, "-c", "main", "--", "cat", ProcFile(sysctl));
                Assert.Equal((0, value), (inside.Code, inside.Output.Trim()));
                Assert.Equal(hostBefore[sysctl], File.ReadAllText(ProcFile(sysctl)).Trim());
            }
            // The container's own /proc/sys stays read-only: only the pod init sets them.
            var write = PodHarness.Run("podunits", "enter", name, "-c", "main", "--", "sh", "-c", "echo 1 > /proc/sys/net/core/somaxconn");
            Assert.NotEqual(0, write.Code);
        });
        Assert.All(Set, s => Assert.Equal(hostBefore[s.Name], File.ReadAllText(ProcFile(s.Name)).Trim()));
    }

    [Fact]
    public void ASysctlTheKernelRefusesFailsTheStartAndLeavesNothing()
    {
        const string name = "rt-sysctl-bad";
        HostWideSettings.With("allowedUnsafeSysctls: [net.ipv4.conf.*]\n", () =>
        {
            using var pod = new PodHarness(name, SysctlPod(name, [("net.ipv4.ip_unprivileged_port_start", "555"),
                ("net.ipv4.conf.nosuchif.forwarding", "1")]));
            Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
            Assert.Equal("failed", pod.Show("ActiveState"));
            Assert.True(pod.UnitJournalHas(l => l.Contains("sysctl net.ipv4.conf.nosuchif.forwarding: this kernel has no such sysctl in the pod's namespaces",
                StringComparison.Ordinal)), pod.UnitJournalText());
            Assert.False(PodHarness.MachineRegistered(name), "machine left registered");
            Assert.True(PodHarness.WaitFor(() => !Directory.Exists($"/run/podunits/state/{name}") && !File.Exists($"/run/podunits/netns/{name}")));
        });
    }

    [Fact]
    public void AnUnsafeSysctlTheHostDoesNotAllowIsRefusedByValidate()
    {
        Assert.False(File.Exists(HostWideSettings.File), $"{HostWideSettings.File} left behind by another test");
        string dir = Directory.CreateTempSubdirectory("podunits-sysctl").FullName;
        try
        {
            string file = Path.Combine(dir, "rt-sysctl-unsafe.yaml");
            File.WriteAllText(file, SysctlPod("rt-sysctl-unsafe", [("net.ipv4.tcp_syncookies", "1"), ("net.core.somaxconn", "1234")]));
            var validate = PodHarness.Run("podunits", "validate", file);
            Assert.Equal(2, validate.Code);
            Assert.Contains($"{file}:11:16: error: spec.securityContext.sysctls[1].name: unsafe sysctl \"net.core.somaxconn\": " +
                $"allow it in {HostWideSettings.File} allowedUnsafeSysctls", validate.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

using PodUnits.Definitions;
using PodUnits.Definitions.Host;

namespace PodUnits.UnitTests.Definitions;

/// <summary>spec.securityContext.sysctls as the API server and the kubelet decide them: the
/// safe set always, namespaced unsafe ones when the host allows them, host-wide ones never.</summary>
public sealed class SysctlDefinitionTests
{
    private static readonly LoadOptions NothingAllowed = new() { HostSettings = HostSettings.Default };

    private static LoadOptions Allowing(params string[] patterns) =>
        new() { HostSettings = HostSettings.Default with { AllowedUnsafeSysctls = patterns } };

    /// <summary>A pod whose sysctls list is <paramref name="sysctls"/>, starting at line 8.</summary>
    private static string Pod(string sysctls, bool hostNetwork = false) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: x
        spec:
          hostNetwork: {{(hostNetwork ? "true" : "false")}}
          securityContext:
            sysctls:
        {{sysctls}}
          containers:
          - name: a
            image: busybox
        """;

    [Fact]
    public void TheSafeSetIsAllowedWithoutHostSettings()
    {
        string list = string.Join('\n', SysctlNames.Safe.Select(n => $"    - {{name: {n}, value: \"1\"}}"));
        PodDefinition pod = PodDefinitionLoader.LoadText(Pod(list), "x.yaml", NothingAllowed).GetPodOrThrow();
        Assert.Equal(SysctlNames.Safe, pod.SecurityContext!.Sysctls.Select(s => s.Name));
        Assert.Equal(12, SysctlNames.Safe.Count);
    }

    [Fact]
    public void SlashNamesMeanDotsAndValuesAreStrings()
    {
        PodDefinition pod = PodDefinitionLoader.LoadText(Pod("""
                - name: net/ipv4/ip_unprivileged_port_start
                  value: 1024
                - name: net/ipv4/conf/eth0.100/forwarding
                  value: "1"
                - name: net.ipv4.ip_local_port_range
                  value: 32768 60999
            """), "x.yaml", Allowing("net.ipv4.conf.*")).GetPodOrThrow();
        Assert.Equal(
            [
                new Sysctl("net.ipv4.ip_unprivileged_port_start", "1024"),
                new Sysctl("net.ipv4.conf.eth0/100.forwarding", "1"),
                new Sysctl("net.ipv4.ip_local_port_range", "32768 60999"),
            ],
            pod.SecurityContext!.Sysctls);
        Assert.Equal("net/ipv4/conf/eth0.100/forwarding", pod.SecurityContext.Sysctls[1].ProcPath);
    }

    [Fact]
    public void AnUnsafeSysctlIsRefusedUntilTheHostAllowsIt()
    {
        string yaml = Pod("""
                - {name: net.core.somaxconn, value: "1024"}
                - {name: kernel.msgmax, value: "65536"}
            """);
        Assert.Equal(
            [
                "x.yaml:9:14: error: spec.securityContext.sysctls[0].name: unsafe sysctl \"net.core.somaxconn\": allow it in /etc/podunits/podunits.yaml allowedUnsafeSysctls (only the safe set is allowed by default; docs/confinement.md)",
                "x.yaml:10:14: error: spec.securityContext.sysctls[1].name: unsafe sysctl \"kernel.msgmax\": allow it in /etc/podunits/podunits.yaml allowedUnsafeSysctls (only the safe set is allowed by default; docs/confinement.md)",
            ],
            DefinitionErrorTests.Diagnose(yaml, options: NothingAllowed));
        Assert.Empty(DefinitionErrorTests.Diagnose(yaml, options: Allowing("net.core.somaxconn", "kernel.msg*")));
        Assert.Single(DefinitionErrorTests.Diagnose(yaml, options: Allowing("net.core.*", "kernel.msgmni")));
    }

    [Theory]
    [InlineData("kernel.panic", "sysctl \"kernel.panic\" is not namespaced: it would change the host (a pod may set only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.*)")]
    [InlineData("vm.swappiness", "sysctl \"vm.swappiness\" is not namespaced: it would change the host (a pod may set only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.*)")]
    [InlineData("kernel.semx", "sysctl \"kernel.semx\" is not namespaced: it would change the host (a pod may set only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.*)")]
    [InlineData("Net.Core.Somaxconn", "\"Net.Core.Somaxconn\" is not a sysctl name: it must have at most 253 characters of a-z, 0-9, '-' and '_' in segments separated by '.' or '/', each starting and ending with a letter or digit")]
    [InlineData("net..core", "\"net..core\" is not a sysctl name: it must have at most 253 characters of a-z, 0-9, '-' and '_' in segments separated by '.' or '/', each starting and ending with a letter or digit")]
    public void HostWideAndMalformedNamesAreAlwaysRefused(string name, string why)
    {
        // Even a host that allows every namespaced prefix cannot allow these.
        Assert.Equal([$"x.yaml:9:14: error: spec.securityContext.sysctls[0].name: {why}"],
            DefinitionErrorTests.Diagnose(Pod($"    - {{name: {name}, value: \"1\"}}"), options: Allowing("net.*", "kernel.shm*", "kernel.msg*", "kernel.sem", "fs.mqueue.*")));
    }

    [Fact]
    public void NetSysctlsNeedThePodsOwnNetwork()
    {
        string yaml = Pod("""
                - {name: net.ipv4.ip_local_port_range, value: "1024 65000"}
                - {name: kernel.shm_rmid_forced, value: "1"}
            """, hostNetwork: true);
        Assert.Equal(["x.yaml:9:14: error: spec.securityContext.sysctls[0].name: sysctl \"net.ipv4.ip_local_port_range\" cannot be set with hostNetwork: true: the pod shares the host's network namespace"],
            DefinitionErrorTests.Diagnose(yaml, options: NothingAllowed));
    }

    [Fact]
    public void ANameSetTwiceIsRefusedInEitherForm()
    {
        string yaml = Pod("""
                - {name: net.ipv4.tcp_syncookies, value: "1"}
                - {name: net/ipv4/tcp_syncookies, value: "0"}
                - {name: net.ipv4.tcp_syncookies, value: "0"}
            """);
        Assert.Equal(
            [
                "x.yaml:10:14: error: spec.securityContext.sysctls[1].name: \"net/ipv4/tcp_syncookies\" is set twice (also at line 9)",
                "x.yaml:11:14: error: spec.securityContext.sysctls[2].name: \"net.ipv4.tcp_syncookies\" is set twice (also at line 9)",
            ],
            DefinitionErrorTests.Diagnose(yaml, options: NothingAllowed));
    }

    [Fact]
    public void EntriesNeedANameAndAStringValue()
    {
        string yaml = Pod("""
                - {name: net.ipv4.tcp_syncookies}
                - {name: kernel.shm_rmid_forced, value: [1]}
                - {nmae: x, value: "1"}
            """);
        Assert.Equal(
            [
                "x.yaml:9:7: error: spec.securityContext.sysctls[0]: missing required field \"value\"",
                "x.yaml:10:45: error: spec.securityContext.sysctls[1].value: must be a string, found a list",
                "x.yaml:11:7: error: spec.securityContext.sysctls[2]: missing required field \"name\"",
                "x.yaml:11:8: error: unknown field \"nmae\" in spec.securityContext.sysctls[2]; did you mean \"name\"?",
            ],
            DefinitionErrorTests.Diagnose(yaml, options: NothingAllowed));
    }

    [Fact]
    public void ErrorsInTheHostSettingsFailThePod()
    {
        HostSettings broken = HostSettings.Parse("allowedUnsafeSysctls: [vm.*]\n", "/etc/podunits/podunits.yaml");
        LoadResult result = PodDefinitionLoader.LoadText(Pod("    - {name: kernel.shm_rmid_forced, value: \"1\"}"), "x.yaml",
            new LoadOptions { HostSettings = broken });
        Assert.False(result.IsValid);
        Assert.Equal(["/etc/podunits/podunits.yaml:1:24: error: allowedUnsafeSysctls[0]: \"vm.*\" is not known to be namespaced (only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): a pod setting it would change the host"],
            result.Diagnostics.Select(d => d.ToString()));
    }
}

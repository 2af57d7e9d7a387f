using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// Review of 2026-12-05: `podunits enter` runs from an administrator's shell, and what that
/// shell's process carries must stay outside the container. Its inheritable capabilities
/// (pam_cap gives some), which the kernel keeps across setresuid, were cleared for a
/// container user root only; a file with inheritable file capabilities would have gained
/// them at execve, bounding set or not. Its personality and session keyring came along too.
/// </summary>
public sealed class EnterCapabilityTests
{
    [Fact]
    public void AnEnteredProcessInheritsNoCapabilityFromItsCaller()
    {
        const string name = "enter-caps";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle,
            """
                  securityContext: {runAsUser: 1000}
            """));
        pod.Start();
        var entered = PodHarness.Run("setpriv", "--inh-caps", "+net_admin,+sys_admin", "podunits", "enter", name, "--",
            "grep", "-E", "^Cap(Inh|Prm|Eff):", "/proc/self/status");
        Assert.True(entered.Code == 0, entered.Output);
        Assert.Equal(["CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000"],
            entered.Output.Trim().Split('\n'));

        // Nor its personality: `setarch -R` (no address space randomization) stays outside.
        var personality = PodHarness.Run("setarch", "-R", "podunits", "enter", name, "--", "cat", "/proc/self/personality");
        Assert.Equal((0, "00000000"), (personality.Code, personality.Output.Trim()));
    }

    /// <summary>Review of 2026-12-06: the capabilities to drop were counted up to
    /// /proc/sys/kernel/cap_last_cap as read in the container's mount namespace. A container
    /// with seccomp Unconfined makes user and mount namespaces of its own and binds "-1" over
    /// it; `podunits enter` (and an exec probe) joins that mount namespace and dropped nothing:
    /// host root with CAP_SYS_ADMIN. The kernel itself says now which capabilities it has.</summary>
    [Fact]
    public void ACapLastCapTheContainerFakedLeavesTheEnteredProcessNoMoreThanItsOwn()
    {
        const string name = "enter-caplast";
        using var pod = new PodHarness(name, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{{name}}}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: main
                  image: busybox
                  securityContext: {seccompProfile: {type: Unconfined}}
                  command: ["unshare", "-U", "-r", "-m", "sh", "-c", "echo -1 > /tmp/last && mount --bind /tmp/last /proc/sys/kernel/cap_last_cap && echo faked=$(cat /proc/sys/kernel/cap_last_cap); exec sleep 1000"]
            """);
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("faked=-1")), pod.UnitJournalText());
        var entered = PodHarness.Run("podunits", "enter", name, "--", "grep", "^CapBnd:", "/proc/self/status");
        Assert.True(entered.Code == 0, entered.Output);
        ulong bounding = Convert.ToUInt64(entered.Output.Split(':')[1].Trim(), 16);
        Assert.True((bounding & (1UL << 21)) == 0, $"the entered process kept CAP_SYS_ADMIN: {entered.Output}");
    }
}

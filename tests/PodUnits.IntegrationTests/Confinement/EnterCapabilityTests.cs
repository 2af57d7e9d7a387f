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
}

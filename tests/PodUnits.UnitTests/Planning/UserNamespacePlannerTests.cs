using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Planning;

/// <summary>UserNamespacePlanner: a pod in its own user namespace gets its range, and every ID
/// the plan gives a container must lie in 0..65535; a pod of the host's users is left alone.</summary>
public sealed class UserNamespacePlannerTests
{
    private static readonly IdMapping Range = new(524288, 65536);

    private static PodPlan Plan(uint uid = 0, uint gid = 0, uint[]? groups = null, uint? fsGroup = null) => new()
    {
        Name = "web", Hostname = "web", MachineId = "00112233445566778899aabbccddeeff", StateDir = "/var/lib/podunits/pods/web",
        FsGroup = fsGroup,
        Containers =
        [
            new ContainerPlan
            {
                Name = "app", LowerDir = "/l", LayerDir = "/c/app", WorkingDir = "/", Argv = ["sh"], Env = [],
                Uid = uid, Gid = gid, SupplementaryGroups = [.. groups ?? []],
            },
        ],
    };

    private static PodDefinition Definition(bool userNamespace) => new()
    {
        Name = "web", SourcePath = "/etc/podunits/pods/web.yaml", Containers = [], InitContainers = [], Volumes = [],
        UserNamespace = userNamespace,
    };

    [Fact]
    public void APodInItsOwnNamespaceGetsItsRange()
    {
        PodPlan plan = Plan(uid: 1000, gid: 3000, groups: [65535], fsGroup: 2000);
        var asked = new List<string>();
        UserNamespacePlanner.Apply(plan, Definition(true), pod => { asked.Add(pod); return Range; });
        Assert.Equal(Range, plan.Users);
        Assert.Equal(["web"], asked);
        // Root's namespaced network capabilities do not reach the pod's network namespace.
        Assert.Equal(["net.ipv4.ip_unprivileged_port_start=0 (net/ipv4/ip_unprivileged_port_start)",
            "net.ipv4.ping_group_range=524288 589823 (net/ipv4/ping_group_range)"],
            plan.Sysctls.Select(s => $"{s.Name}={s.Value} ({s.ProcPath})"));
    }

    /// <summary>Review of 2026-12-05: the pod init writes sysctls as host root, so a pod's
    /// own ping_group_range, in the pod's group IDs, covered none of its processes.</summary>
    [Theory]
    [InlineData("0 65535", "524288 589823")]
    [InlineData("0 2147483647", "524288 589823")]
    [InlineData("100 200", "524388 524488")]
    [InlineData("70000 80000", "1 0")]
    [InlineData("1 0", "1 0")]
    public void APodsOwnPingGroupRangeIsWrittenInItsHostIds(string own, string written)
    {
        PodPlan plan = Plan();
        plan.Sysctls.Add(new SysctlPlan { Name = "net.ipv4.ping_group_range", ProcPath = "net/ipv4/ping_group_range", Value = own });
        UserNamespacePlanner.Apply(plan, Definition(true), _ => Range);
        Assert.Equal(written, plan.Sysctls.Single(s => s.Name == "net.ipv4.ping_group_range").Value);
    }

    [Fact]
    public void APodsOwnSysctlKeepsItsValue()
    {
        PodPlan plan = Plan();
        plan.Sysctls.Add(new SysctlPlan { Name = "net.ipv4.ip_unprivileged_port_start", ProcPath = "net/ipv4/ip_unprivileged_port_start", Value = "555" });
        UserNamespacePlanner.Apply(plan, Definition(true), _ => Range);
        Assert.Equal(["net.ipv4.ip_unprivileged_port_start=555", "net.ipv4.ping_group_range=524288 589823"], plan.Sysctls.Select(s => $"{s.Name}={s.Value}"));
    }

    /// <summary>User-namespace review of 2026-12-06, finding 4: on a kernel without idmapped
    /// tmpfs the pod is refused before anything is set up, and no range is taken.</summary>
    [Theory]
    [InlineData(5, 15, false)]
    [InlineData(6, 2, false)]
    [InlineData(6, 3, true)]
    [InlineData(6, 18, true)]
    public void AKernelWithoutIdmappedTmpfsIsSaidBeforeAnythingStarts(int major, int minor, bool runs)
    {
        PodPlan plan = Plan();
        var asked = new List<string>();
        void Apply() => UserNamespacePlanner.Apply(plan, Definition(true), pod => { asked.Add(pod); return Range; }, new Version(major, minor, 0));
        if (runs)
        {
            Apply();
            Assert.Equal(["web"], asked);
            return;
        }
        var e = Assert.Throws<PodUnitsException>(Apply);
        Assert.Contains($"needs Linux 6.3 or later (idmapped tmpfs), and this host runs {major}.{minor}.0", e.Message, StringComparison.Ordinal);
        // Exit 2, which pod@.service's RestartPreventExitStatus covers: Restart= does not pull
        // again every few minutes for a kernel that will not change (user-namespace review of
        // 2026-12-07, finding 3).
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Empty(asked);
        // Stage 0 asks it from the definition alone, before hostPaths and pulls.
        Assert.Equal(ExitCodes.BadInput, Assert.Throws<PodUnitsException>(() => UserNamespacePlanner.CheckKernel(Definition(true), new Version(major, minor, 0))).ExitCode);
        UserNamespacePlanner.CheckKernel(Definition(false), new Version(major, minor, 0));
        // A pod of the host's users runs there as before.
        UserNamespacePlanner.Apply(Plan(), Definition(false), _ => Range, new Version(major, minor, 0));
    }

    [Fact]
    public void APodOfTheHostsUsersTakesNoRange()
    {
        PodPlan plan = Plan(uid: 100000);
        UserNamespacePlanner.Apply(plan, Definition(false), _ => throw new InvalidOperationException("no range may be taken"));
        Assert.Null(plan.Users);
    }

    [Theory]
    [InlineData(65536u, 0u, null, null, "container app: user 65536 (runAsUser, or the image's USER) is outside the pod's user namespace, which maps IDs 0-65535")]
    [InlineData(0u, 70000u, null, null, "container app: group 70000 (runAsGroup, or the image's USER) is outside")]
    [InlineData(0u, 0u, 4294967294u, null, "container app: supplementary group 4294967294 is outside")]
    [InlineData(0u, 0u, null, 100000u, "fsGroup 100000 is outside")]
    public void AnIdBeyondTheRangeIsBadInputAndTakesNoRange(uint uid, uint gid, uint? group, uint? fsGroup, string message)
    {
        PodPlan plan = Plan(uid, gid, group is uint g ? [g] : null, fsGroup);
        var e = Assert.Throws<PodUnitsException>(() =>
            UserNamespacePlanner.Apply(plan, Definition(true), _ => throw new InvalidOperationException("no range may be taken")));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("or spec.hostUsers: true for the host's users", e.Message, StringComparison.Ordinal); // the way out under auto
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Null(plan.Users);
    }

    [Fact]
    public void TheMappingSaysItsHostIdsAndItsMapLine()
    {
        Assert.Equal(524288u + 33, Range.ToHost(33));
        Assert.Throws<ArgumentOutOfRangeException>(() => Range.ToHost(65536));
        Assert.Equal("0 524288 65536\n", Range.MapLine);
        Assert.Equal("0-65535 → 524288-589823", Range.ToString());
    }
}

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// Issue 20's wall behind the others: escape-probe.c as root of a pod with its own user
/// namespace (hostUsers: false) and `privileged: true`, so no masks, no seccomp filter and
/// every capability, all of them namespaced. Whatever needs host root must fail. What is left
/// is what any unprivileged user of the host may do (read /proc/keys and /sys/firmware,
/// create a user namespace, a key, a userfaultfd or a perf counter of itself: the default
/// securityContext's masks and filter take those away too): each such check is run again as
/// `nobody` on the host, and must succeed there as well.
/// </summary>
public sealed class HostileUserNamespaceTests(PrivilegedUserNamespaceProbeRun run) : IClassFixture<PrivilegedUserNamespaceProbeRun>
{
    public static TheoryData<string> Checks => new(HostileContainerTests.CheckNames);

    [Theory]
    [MemberData(nameof(Checks))]
    public void PrivilegedRootOfAUserNamespaceCanDoNoMoreThanAnUnprivilegedHostUser(string check)
    {
        ProbeLine? line = run.Checks.FirstOrDefault(c => c.Name == check);
        Assert.True(line is not null, $"the probe printed no line for {check}.\n{run.Report}");
        if (line.Refused)
        {
            return;
        }
        if (check == "sys-firmware")
        {
            // The sandbox (systemd-nspawn) hides its host's /sys/firmware; the pod mounts a
            // sysfs of its own, as a host does, where /sys/firmware is world-readable.
            Assert.True(PrivilegedUserNamespaceProbeRun.NobodyListsFirmwareOfAFreshSysfs(), line.Text);
            return;
        }
        ProbeLine? nobody = run.AsHostNobody.FirstOrDefault(c => c.Name == check);
        Assert.True(nobody is { Verdict: "ESCAPED" },
            $"in the pod: {line.Text}\nas nobody on the host: {nobody?.Text ?? "(no line)"}\n\nevery probe line:\n{run.Report}");
    }
}

/// <summary>The probe under hostUsers: false and privileged: true. Its hostPath is a copy on
/// the sandbox's /tmp (tmpfs): a pod with its own user namespace idmaps hostPath volumes, and
/// the sandbox's root, where the probe is built, is an overlayfs, which cannot be idmapped.</summary>
public sealed class PrivilegedUserNamespaceProbeRun : ProbeRun
{
    public PrivilegedUserNamespaceProbeRun()
        : base(Pod, "  hostUsers: false\n", "      securityContext:\n        privileged: true\n", () => CopyToTmpfs(Pod))
    {
        // After the pod's run (base first): the copy exists now.
        AsHostNobody = [.. Runtime.PodHarness.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "env", $"HOSTILE_ROOT_DEV={HostileBinaries.RootDiskDevice()}", $"HOSTILE_LOOP_DEV={HostileBinaries.UnusedLoopDevice()}", "HOSTILE_HOST_PID=1",
                $"/tmp/podunits-{Pod}/bin/escape-probe")
            .Output.Split('\n').Select(ProbeLine.Parse).OfType<ProbeLine>()];
    }

    private const string Pod = "hostile-userns";

    /// <summary>The probe's programs on a tmpfs, which can be idmapped (the sandbox's root
    /// cannot), in a directory of <paramref name="pod"/>'s own.</summary>
    internal static string CopyToTmpfs(string pod)
    {
        string dir = $"/tmp/podunits-{pod}";
        Runtime.PodHarness.Run("rm", "-rf", dir);
        Directory.CreateDirectory(dir);
        var copy = Runtime.PodHarness.Run("cp", "-a", HostileBinaries.BinDir, $"{dir}/bin");
        return copy.Code == 0 ? $"{dir}/bin" : throw new IOException($"cannot copy the probe: {copy.Output}");
    }

    /// <summary>Whether `nobody` can list firmware/ of a sysfs mounted afresh on the sandbox host.</summary>
    public static bool NobodyListsFirmwareOfAFreshSysfs()
    {
        const string dir = "/tmp/podunits-fresh-sysfs";
        Directory.CreateDirectory(dir);
        if (Runtime.PodHarness.Run("mount", "-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs", dir).Code != 0)
        {
            return false;
        }
        try
        {
            var list = Runtime.PodHarness.Run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ls", $"{dir}/firmware");
            return list.Code == 0 && list.Output.Trim().Length > 0;
        }
        finally
        {
            Runtime.PodHarness.Run("umount", dir);
        }
    }

    /// <summary>The same probe run by `nobody` on the sandbox host, outside any container.</summary>
    internal IReadOnlyList<ProbeLine> AsHostNobody { get; }
}

/// <summary>
/// The confinement suite as it is (HostileContainerTests: every check refused) with user
/// namespaces on: the default securityContext in a pod with hostUsers: false.
/// </summary>
public sealed class HostileDefaultUserNamespaceTests(DefaultUserNamespaceProbeRun run) : IClassFixture<DefaultUserNamespaceProbeRun>
{
    public static TheoryData<string> Checks => new(HostileContainerTests.CheckNames);

    [Theory]
    [MemberData(nameof(Checks))]
    public void DefaultContainerOfAUserNamespaceIsRefused(string check)
    {
        ProbeLine? line = run.Checks.FirstOrDefault(c => c.Name == check);
        Assert.True(line is not null, $"the probe printed no line for {check}.\n{run.Report}");
        Assert.True(line.Refused, $"{line.Text}\n\nevery probe line:\n{run.Report}");
    }
}

/// <summary>The probe under hostUsers: false and the default securityContext.</summary>
public sealed class DefaultUserNamespaceProbeRun()
    : ProbeRun("hostile-userns-default", "  hostUsers: false\n", "", () => PrivilegedUserNamespaceProbeRun.CopyToTmpfs("hostile-userns-default"));

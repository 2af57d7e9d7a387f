namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// Issue 16's hostile container: a pod with the default securityContext runs
/// tests/hostile/escape-probe.c, which tries each way out to the host; every check must be
/// refused (blocked with EPERM/EACCES/EROFS/ENOENT/ESRCH/ENOSYS, masked, missing, or
/// reaching only the container's own things). bench/sections/security.sh runs the same
/// probe under podman for docs/security.md.
/// </summary>
public sealed class HostileContainerTests(ProbeRun run) : IClassFixture<ProbeRun>
{
    /// <summary>Every check escape-probe.c makes, in its order.</summary>
    internal static readonly string[] CheckNames =
    [
        // Kernel settings: /proc/sys, /proc/sysrq-trigger, /proc/irq and /sys read-only.
        "core-pattern-write", "sysrq-trigger", "proc-irq-write", "sys-write",
        // Masked /proc and /sys files and directories.
        "proc-kcore", "proc-keys", "proc-timer-list", "proc-sched-debug", "proc-latency-stats",
        "proc-acpi", "proc-scsi", "sys-firmware", "sys-powercap", "sys-dev-block", "proc-interrupts", "sys-thermal-throttle",
        // Device nodes: mknod and open of the host's root disk and of a loop device; chmod of
        // the container's /dev/null (the host's node, bound read-only), and fchmod of its
        // stdin, which is /dev/null too (stage 1 native review of 2026-12-07, finding 2).
        "mknod-root-disk", "mknod-loop-device", "dev-node-chmod", "stdin-chmod",
        // System calls the capability set or the seccomp filter must refuse.
        "mount-tmpfs", "unshare-user", "keyctl", "init-module", "open-by-handle-at", "kexec-load",
        "kexec-file-load", "bpf-prog-load", "userfaultfd", "perf-event-open", "setns", "iopl", "reboot",
        "dmesg", "settimeofday",
        // Processes outside the container and their roots.
        "ptrace-host-pid", "ptrace-pod-processes", "proc1-root", "proc-pid-roots", "setns-pid1-mnt", "chroot-breakout",
    ];

    public static TheoryData<string> Checks => new(CheckNames);

    [Theory]
    [MemberData(nameof(Checks))]
    public void DefaultContainerIsRefused(string check)
    {
        ProbeLine? line = run.Checks.FirstOrDefault(c => c.Name == check);
        Assert.True(line is not null, $"the probe printed no line for {check}.\n{run.Report}");
        Assert.True(line.Refused, $"{line.Text}\n\nevery probe line:\n{run.Report}");
    }

    /// <summary>The probe's chmod of /dev/null to its own mode did not reach the host's node,
    /// whose ctime it would have moved (confinement review of 2026-12-07, finding 1).</summary>
    [Fact]
    public void HostDevNullIsUnchanged()
    {
        Assert.True(run.HostDevNullBefore.Length > 0, run.Report);
        Assert.Equal(run.HostDevNullBefore, run.HostDevNullAfter);
    }

    [Fact]
    public void ProbeRanEveryCheckToTheEnd()
    {
        Assert.True(run.Lines.Any(l => l.StartsWith("probe done:", StringComparison.Ordinal)), $"the probe did not finish.\n{run.Report}");
        Assert.Equal(CheckNames, run.Checks.Select(c => c.Name));
        Assert.Equal($"probe done: {run.Checks.Count} checks", run.Lines.First(l => l.StartsWith("probe done:", StringComparison.Ordinal)));
    }
}

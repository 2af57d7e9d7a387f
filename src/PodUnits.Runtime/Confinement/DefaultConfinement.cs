namespace PodUnits.Runtime.Confinement;

/// <summary>
/// What every unprivileged container gets, as data in one place to review (like runc's and
/// containerd's defaults, which these lists follow: the OCI runtime spec's default
/// devices and containerd's oci/spec.go masked and read-only paths). `privileged: true`
/// lifts all of it, as in Kubernetes. The seccomp profile is in Seccomp/.
/// </summary>
public static class DefaultConfinement
{
    /// <summary>Hidden from the container: a file gets /dev/null bound over it, a directory an
    /// empty read-only tmpfs. /proc/kcore is the host's memory; /proc/keys lists keys of
    /// every keyring the kernel holds; timer_list, sched_debug and latency_stats leak other
    /// processes' activity; /proc/acpi and /proc/scsi allow poking hardware; /sys/firmware
    /// holds the host's firmware tables; powercap's energy counters are a side channel
    /// (CVE-2020-8694); /sys/dev/block lists the host's disks with their sizes and serial
    /// numbers (podman masks it); /proc/interrupts counts every device's interrupts per CPU,
    /// other tenants' NICs and disks included, a side channel current Docker masks, as it
    /// masks each CPU's thermal_throttle (<see cref="MaskedCpuDirectories"/>; confinement
    /// review of 2026-12-07, finding 9). Paths that do not exist on this kernel are skipped.</summary>
    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap", "/sys/dev/block",
    ];

    /// <summary>Where the CPUs are in sysfs.</summary>
    public const string SysCpus = "/sys/devices/system/cpu";

    /// <summary>The per-CPU directories masked like <see cref="MaskedPaths"/>, from the names in
    /// <see cref="SysCpus"/>: each cpuN's thermal_throttle (throttle counts and times, a
    /// cross-container activity side channel; Docker masks them). The caller skips those that
    /// do not exist (no such driver, a VM).</summary>
    public static IEnumerable<string> MaskedCpuDirectories(IEnumerable<string> cpuEntries) =>
        cpuEntries.Where(IsCpu).Order(StringComparer.Ordinal).Select(name => $"{SysCpus}/{name}/thermal_throttle");

    private static bool IsCpu(string name) =>
        name.Length > 3 && name.StartsWith("cpu", StringComparison.Ordinal) && name.AsSpan(3).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>Read-only for the container: /proc/sys holds host-wide settings (core_pattern
    /// and modprobe run helpers as host root); sysrq-trigger reboots or crashes the host;
    /// irq, bus and fs reach hardware and host file systems. /sys as a whole is mounted
    /// read-only too.</summary>
    public static readonly IReadOnlyList<string> ReadOnlyPaths =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    /// <summary>Device nodes bound from the host into the container's /dev.</summary>
    public static readonly IReadOnlyList<string> DeviceNodes = ["null", "zero", "full", "random", "urandom", "tty"];

    /// <summary>The scope's device policy: DevicePolicy=closed plus these DeviceAllow= entries
    /// (systemd.resource-control(5)), the OCI runtime spec's default device set. Everything
    /// else, a host disk's block node made with mknod included, can neither be created nor
    /// opened. "char-pts" is every pseudo-terminal of the container's own devpts, which is
    /// all a container's terminal is. Not /dev/console (5:1, the crun default set has it):
    /// that is the host's system console, which a container able to mknod could otherwise
    /// write to and read keystrokes from; runc's default set leaves it out too.</summary>
    public static readonly IReadOnlyList<(string Device, string Access)> DeviceAllow =
    [
        ("/dev/null", "rwm"), ("/dev/zero", "rwm"), ("/dev/full", "rwm"), ("/dev/random", "rwm"),
        ("/dev/urandom", "rwm"), ("/dev/tty", "rwm"), ("/dev/ptmx", "rwm"), ("char-pts", "rwm"),
    ];

    /// <summary>Sizes of the tmpfs PodUnits mounts (tmpfs(5) size=), Docker's 64 MiB: each
    /// container's /dev, and the pod's one /dev/shm its containers share (Init/PodShm.cs).
    /// The pages count against the memory limit of the container that wrote them first, like
    /// any tmpfs; the caps keep a container without a limit from filling the host's memory
    /// through them. /run and /tmp get none: they are the image's (ContainerMounts).</summary>
    public const string DevSize = "65536k";
    public const string ShmSize = "65536k";
}

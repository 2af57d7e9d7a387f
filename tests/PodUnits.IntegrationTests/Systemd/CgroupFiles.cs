namespace PodUnits.IntegrationTests.Systemd;

/// <summary>
/// Reads a unit's memory and CPU limits from the kernel's cgroup files, on pure cgroup v2
/// (memory.max, cpu.max) and on v1/hybrid hosts (memory.limit_in_bytes, cpu.cfs_quota_us
/// in the memory and cpu hierarchies, wherever /proc/self/mountinfo says they are mounted).
/// </summary>
internal sealed record CgroupLimits(ulong? MemoryMax, long? CpuQuotaUs, long? CpuPeriodUs);

internal static class CgroupFiles
{
    private const string Root = "/sys/fs/cgroup";

    public static bool IsUnified => File.Exists(Path.Combine(Root, "cgroup.controllers"));

    /// <summary>
    /// Null when systemd can have written the limits for <paramref name="controlGroup"/>;
    /// otherwise why not (the controller is not available to this systemd). nspawn mounts
    /// v1 controller hierarchies read-only inside a container, and then systemd there
    /// cannot apply limits at all.
    /// </summary>
    public static string? WhyLimitsAreNotInFiles(string controlGroup)
    {
        if (IsUnified)
        {
            string parent = Path.Combine(Root, Path.GetDirectoryName(controlGroup.TrimStart('/')) ?? "");
            string controllers = File.ReadAllText(Path.Combine(parent, "cgroup.controllers"));
            return controllers.Split(' ', StringSplitOptions.TrimEntries).Contains("memory")
                ? null
                : $"cgroup v2 without the memory controller delegated to {parent}";
        }
        V1Mount? memory = FindV1("memory");
        if (memory is null)
        {
            return "no cgroup v1 memory hierarchy is mounted";
        }
        return memory.ReadOnly ? $"the cgroup v1 memory hierarchy {memory.MountPoint} is mounted read-only" : null;
    }

    public static CgroupLimits Read(string controlGroup)
    {
        string relative = controlGroup.TrimStart('/');
        if (IsUnified)
        {
            string dir = Path.Combine(Root, relative);
            ulong? memory = ParseMax(ReadOrNull(Path.Combine(dir, "memory.max")));
            string? cpu = ReadOrNull(Path.Combine(dir, "cpu.max"));
            string[] parts = cpu?.Split(' ') ?? [];
            long? quota = parts.Length == 2 && parts[0] != "max" ? long.Parse(parts[0]) : null;
            long? period = parts.Length == 2 ? long.Parse(parts[1]) : null;
            return new CgroupLimits(memory, quota, period);
        }
        string? memoryDir = FindV1("memory")?.MountPoint;
        string? cpuDir = FindV1("cpu")?.MountPoint;
        ulong? limit = memoryDir is null ? null : ParseMax(ReadOrNull(Path.Combine(memoryDir, relative, "memory.limit_in_bytes")));
        long? cfsQuota = cpuDir is null ? null : ParseLong(ReadOrNull(Path.Combine(cpuDir, relative, "cpu.cfs_quota_us")));
        long? cfsPeriod = cpuDir is null ? null : ParseLong(ReadOrNull(Path.Combine(cpuDir, relative, "cpu.cfs_period_us")));
        return new CgroupLimits(limit, cfsQuota is -1 ? null : cfsQuota, cfsPeriod);
    }

    private sealed record V1Mount(string MountPoint, bool ReadOnly);

    /// <summary>The v1 hierarchy holding <paramref name="controller"/> (exact token: "cpu" is not "cpuacct").</summary>
    private static V1Mount? FindV1(string controller)
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            string[] halves = line.Split(" - ", 2);
            if (halves.Length != 2)
            {
                continue;
            }
            string[] head = halves[0].Split(' ');
            string[] tail = halves[1].Split(' ');
            if (tail[0] != "cgroup" || tail.Length < 3 || !tail[2].Split(',').Contains(controller))
            {
                continue;
            }
            return new V1Mount(head[4], head[5].Split(',').Contains("ro"));
        }
        return null;
    }

    private static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    private static long? ParseLong(string? text) => text is null ? null : long.Parse(text);

    /// <summary>"max" (v2) and the v1 "unlimited" value (a huge page-rounded number) mean no limit.</summary>
    private static ulong? ParseMax(string? text) =>
        text is null or "max" ? null : ulong.Parse(text) >= 0x7FFF_FFFF_FFFF_F000 ? null : ulong.Parse(text);
}

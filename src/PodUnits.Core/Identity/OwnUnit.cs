namespace PodUnits.Core.Identity;

/// <summary>The systemd service this process runs in, read from its cgroup (journald and
/// systemd map a cgroup to its unit the same way: the path's last component).</summary>
public static class OwnUnit
{
    /// <summary>"pod@NAME.service" under pod@.service; null in a scope (a terminal) or without
    /// the unified cgroup hierarchy.</summary>
    public static string? ServiceName(string cgroupFile = "/proc/self/cgroup")
    {
        try
        {
            foreach (string line in File.ReadLines(cgroupFile))
            {
                if (line.StartsWith("0::/", StringComparison.Ordinal))
                {
                    string last = line[(line.LastIndexOf('/') + 1)..];
                    return last.EndsWith(".service", StringComparison.Ordinal) ? last : null;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}

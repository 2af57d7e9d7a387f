namespace PodUnits.Core.Identity;

/// <summary>The systemd service this process runs in, read from its cgroup (journald and
/// systemd map a cgroup to its unit the same way: the path's last component).</summary>
public static class OwnUnit
{
    /// <summary>"pod@NAME.service" under pod@.service; null in a scope (a terminal, a login
    /// session) or when the cgroup says nothing. The unified hierarchy's "0::" line where
    /// there is one (unified and hybrid hosts), else systemd's own "name=systemd" hierarchy
    /// (a legacy cgroup v1 host).</summary>
    public static string? ServiceName(string cgroupFile = "/proc/self/cgroup")
    {
        string? path = null;
        try
        {
            foreach (string line in File.ReadLines(cgroupFile))
            {
                if (line.StartsWith("0::/", StringComparison.Ordinal))
                {
                    path = line[3..];
                    break;
                }
                if (line.Split(':', 3) is [_, "name=systemd", string legacy])
                {
                    path = legacy;
                }
            }
        }
        catch (IOException)
        {
        }
        string? last = path?[(path.LastIndexOf('/') + 1)..];
        return last is not null && last.EndsWith(".service", StringComparison.Ordinal) ? last : null;
    }
}

namespace PodUnits.Runtime.Confinement.Lsm;

/// <summary>Which Linux security modules this host runs, as far as PodUnits can use them.</summary>
public sealed record HostLsm(bool AppArmor, bool SeLinux)
{
    public static readonly HostLsm None = new(false, false);

    /// <summary>From /sys/kernel/security/lsm (the active modules, comma separated), AppArmor's
    /// module parameter and SELinux's filesystem; a host without securityfs runs neither.</summary>
    public static HostLsm Detect() => FromFiles(Read("/sys/kernel/security/lsm"),
        Read("/sys/module/apparmor/parameters/enabled"), Directory.Exists("/sys/fs/selinux"));

    public static HostLsm FromFiles(string? activeModules, string? appArmorEnabled, bool seLinuxFs)
    {
        string[] modules = (activeModules ?? "").Trim().Split(',', StringSplitOptions.RemoveEmptyEntries);
        bool appArmor = modules.Contains("apparmor", StringComparer.Ordinal) && appArmorEnabled?.Trim() != "N";
        return new HostLsm(appArmor, modules.Contains("selinux", StringComparer.Ordinal) && seLinuxFs);
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

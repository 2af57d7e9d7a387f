using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Asks the kernel to switch the container's process to its AppArmor profile or SELinux
/// label at its execve, as runc does: a write to this thread's attr/exec (AppArmor's own
/// file where the kernel has the per-module directory). The thread that writes must be the
/// one that calls execve, hence /proc/thread-self.
/// </summary>
internal static class LsmExec
{
    public static void Set(ContainerPlan c)
    {
        if (c.AppArmorProfile is { } profile)
        {
            const string perModule = "/proc/thread-self/attr/apparmor/exec";
            Write(File.Exists(perModule) ? perModule : "/proc/thread-self/attr/exec", $"exec {profile}", "AppArmor profile " + profile);
        }
        if (c.SeLinuxLabel is { } label)
        {
            Write("/proc/thread-self/attr/exec", label, "SELinux label " + label);
        }
    }

    private static void Write(string path, string value, string what)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Core.Errors.PodUnitsException(what, $"the kernel refused it ({e.Message})");
        }
    }
}

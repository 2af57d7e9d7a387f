using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Asks the kernel to switch the container's process to its AppArmor profile or SELinux
/// label at its execve, as runc does: a write to this thread's attr/exec (AppArmor's own
/// file where the kernel has the per-module directory). The thread that writes must be the
/// one that calls execve, hence /proc/thread-self; the native last steps write it
/// (Native/become.c), before any filter, still as root.
/// </summary>
internal static class LsmExec
{
    /// <summary>The attribute file and what to write to it, or ("", "") for no LSM. A
    /// container has an AppArmor profile or an SELinux label, never both: the host runs one
    /// of the two (Confinement/Lsm/LsmPlanner.cs).</summary>
    public static (string Path, string Value) Attribute(ContainerPlan c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.AppArmorProfile is { } profile)
        {
            const string perModule = "/proc/thread-self/attr/apparmor/exec";
            return (File.Exists(perModule) ? perModule : "/proc/thread-self/attr/exec", $"exec {profile}");
        }
        return c.SeLinuxLabel is { } label ? ("/proc/thread-self/attr/exec", label) : ("", "");
    }
}

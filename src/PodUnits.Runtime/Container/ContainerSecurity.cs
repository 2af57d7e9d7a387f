using PodUnits.Core.Native;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Drops a container's privileges just before execve: the capability bounding set, the
/// ambient set, groups and IDs, the remaining capability sets, no_new_privs
/// (capabilities(7), "Transformation of capabilities during execve()") and the seccomp
/// filter. Installing a filter needs no_new_privs or CAP_SYS_ADMIN: with no_new_privs the
/// filter goes on last, right before execve; without it (setuid programs keep working, as
/// Kubernetes' default allowPrivilegeEscalation wants) it goes on while this process still
/// has CAP_SYS_ADMIN, before the IDs change, as runc does, so the calls after it must be ones
/// the filter allows (RuntimeDefault allows them all).
/// </summary>
internal static unsafe class ContainerSecurity
{
    public static void Apply(ContainerPlan c)
    {
        LsmExec.Set(c); // still root, before any filter: nothing can refuse the write yet
        int last = LastCap();
        var keep = new HashSet<int>(c.Capabilities);
        for (int cap = 0; cap <= last; cap++)
        {
            if (!keep.Contains(cap))
            {
                Check.Io(LibcExtra.prctl(LibcExtra.PR_CAPBSET_DROP, (ulong)cap, 0, 0, 0), "prctl PR_CAPBSET_DROP", Capabilities.Name(Math.Min(cap, Capabilities.Last)));
            }
        }
        LibcExtra.prctl(LibcExtra.PR_CAP_AMBIENT, LibcExtra.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        SetupSteps.Done("capability bounds");
        if (c.Seccomp is { } early && !c.NoNewPrivileges)
        {
            SeccompFilter.Install(early.Program);
            SetupSteps.Done("seccomp");
        }
        uint[] groups = [c.Gid, .. c.SupplementaryGroups];
        fixed (uint* g = groups)
        {
            Check.Io(LibcExtra.setgroups((nuint)groups.Length, g), "setgroups");
        }
        Check.Io(LibcExtra.setresgid(c.Gid, c.Gid, c.Gid), "setresgid");
        // From root to another user the kernel clears permitted and effective sets itself.
        Check.Io(LibcExtra.setresuid(c.Uid, c.Uid, c.Uid), "setresuid");
        if (c.Uid == 0)
        {
            // Only what the bounding set still holds: pod@.service itself takes some away from
            // everything it runs (CAP_SYS_MODULE, CAP_SYSLOG), privileged containers included,
            // and asking for more than the bounding set allows fails the whole capset.
            ulong mask = 0;
            foreach (int cap in c.Capabilities.Where(cap => cap <= last && LibcExtra.prctl(LibcExtra.PR_CAPBSET_READ, (ulong)cap, 0, 0, 0) == 1))
            {
                mask |= 1UL << cap;
            }
            LibcExtra.CapUserHeader header = new() { Version = LibcExtra.LINUX_CAPABILITY_VERSION_3, Pid = 0 };
            LibcExtra.CapUserData* data = stackalloc LibcExtra.CapUserData[2];
            data[0] = new() { Effective = (uint)mask, Permitted = (uint)mask, Inheritable = 0 };
            data[1] = new() { Effective = (uint)(mask >> 32), Permitted = (uint)(mask >> 32), Inheritable = 0 };
            Check.Io(LibcExtra.capset(&header, data), "capset");
        }
        SetupSteps.Done("user and capabilities");
        if (c.NoNewPrivileges)
        {
            Check.Io(LibcExtra.prctl(LibcExtra.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl PR_SET_NO_NEW_PRIVS");
            if (c.Seccomp is { } late)
            {
                SeccompFilter.Install(late.Program);
            }
            SetupSteps.Done("no_new_privs and seccomp");
        }
    }

    private static int LastCap() =>
        int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), System.Globalization.CultureInfo.InvariantCulture, out int n)
            ? n : Capabilities.Last;
}

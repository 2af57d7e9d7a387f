using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Init;

/// <summary>
/// spec.securityContext.sysctls, written by the pod init into its own fresh /proc. A sysctl
/// file acts on the namespaces of the process that writes it (net.* on its network namespace,
/// kernel.shm/msg/sem and fs.mqueue on its IPC namespace), and the pod init holds the pod's
/// own, which every container joins; so this changes the pod and never the host. The
/// containers' /proc/sys is read-only: only here can they be set, before any container starts.
/// </summary>
internal static unsafe class PodSysctls
{
    public static void Apply(PodPlan plan)
    {
        foreach (SysctlPlan sysctl in plan.Sysctls)
        {
            Write(sysctl);
        }
    }

    private static void Write(SysctlPlan sysctl)
    {
        string path = "/proc/sys/" + sysctl.ProcPath;
        int fd = LibcExtra.open(path, LibcExtra.O_WRONLY | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0);
        if (fd < 0)
        {
            throw Failed(sysctl, Marshal.GetLastPInvokeError());
        }
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(sysctl.Value);
            fixed (byte* p = bytes)
            {
                nint written = LibcExtra.write(fd, p, (nuint)bytes.Length);
                if (written < 0)
                {
                    throw Failed(sysctl, Marshal.GetLastPInvokeError());
                }
            }
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }

    private const int ENOENT = 2;
    private const int EINVAL = 22;

    /// <summary>One line naming the sysctl, in words for the errors a definition can cause.</summary>
    private static PodUnitsException Failed(SysctlPlan sysctl, int errno)
    {
        string why = errno switch
        {
            ENOENT => "this kernel has no such sysctl in the pod's namespaces",
            EINVAL => $"the kernel refused the value \"{sysctl.Value}\"",
            _ => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})",
        };
        return new PodUnitsException($"sysctl {sysctl.Name}", why);
    }
}

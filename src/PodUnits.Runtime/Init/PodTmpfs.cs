using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod init's tmpfs mounts that hold values: the pod's /run (with its copy of the plan),
/// configMap/secret/downwardAPI/projected volumes and memory emptyDirs. Mounted noswap
/// (Linux 6.4) where the kernel has it, as the kubelet mounts memory-backed volumes: under
/// memory pressure a Secret's pages must not go to a swap device that may not be encrypted.
/// An older kernel refuses the option (EINVAL); the mount is made without it then.
/// </summary>
internal static class PodTmpfs
{
    private const int Einval = 22;

    /// <summary>1 when noswap was taken, 0 when the kernel refused it, -1 before the first try.</summary>
    private static int s_noswap = -1;

    public static void Mount(string target, ulong flags, string options)
    {
        if (Volatile.Read(ref s_noswap) != 0)
        {
            if (LibcExtra.mount("tmpfs", target, "tmpfs", flags, options + ",noswap") == 0)
            {
                Volatile.Write(ref s_noswap, 1);
                return;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Einval)
            {
                throw new NativeCallException("mount tmpfs", errno, target);
            }
            Volatile.Write(ref s_noswap, 0);
        }
        Check.Io(LibcExtra.mount("tmpfs", target, "tmpfs", flags, options), "mount tmpfs", target);
    }
}

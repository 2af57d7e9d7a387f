using PodUnits.Core.Native;
using PodUnits.Runtime.Confinement;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod's one /dev/shm, which every container of the pod binds (ContainerMounts), so its
/// containers share POSIX shared memory and named semaphores (shm_open, sem_open), as the
/// Kubernetes Pod documentation promises and containerd gives by binding the sandbox's
/// /dev/shm into each container. A fresh tmpfs per container made producer and consumer
/// sidecars miss each other's files (confinement review of 2026-12-07, finding 2). Not
/// noswap (<see cref="PodTmpfs"/>): it holds a program's data, not the pod's values, and is
/// swappable under containerd too.
/// </summary>
internal static class PodShm
{
    /// <summary>Where the pod init mounts it, in the pod's private /run.</summary>
    public const string Path = State.PodPaths.InsidePodRun + "/shm";

    /// <summary>tmpfs options: Docker's 64 MiB for the whole pod, sticky and world-writable, and
    /// in a pod with its own user namespace the namespace root's, as a fresh tmpfs in the
    /// container was (its files then hold mapped IDs, like a memory emptyDir's).</summary>
    public static string Options(IdMapping? users) =>
        $"mode=1777,size={DefaultConfinement.ShmSize}{Container.ContainerUsers.TmpfsOwner(users)}";

    public static void Mount(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Directory.CreateDirectory(Path);
        Check.Io(LibcExtra.mount("shm", Path, "tmpfs", LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV | LibcExtra.MS_NOEXEC, Options(plan.Users)),
            "mount tmpfs", Path);
    }
}

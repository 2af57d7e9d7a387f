using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.State;

/// <summary>
/// The lock of a named volume (a persistentVolumeClaim's directory): flock(2) on
/// /run/podunits/volume-locks/NAME.lock. A starting pod takes it shared for each of its
/// claims as stage 0 begins (before the pull, and before it makes or keeps their directories), and its executor holds it for the
/// pod's life: the descriptors are inherited across stage 0's exec, as the pod's claim is
/// (<see cref="PodClaim"/>), and the kernel drops them with the process. `podunits volume rm`
/// takes it exclusive without waiting and holds it across the removal. Before, every check of
/// rm was a look at one instant: a pod started during a long removal ran on a half-deleted
/// volume while the removal went on deleting what it wrote (volumes review of 2026-12-07,
/// finding 3). Now one of the two is refused. The lock files stay (on a tmpfs, gone at boot):
/// unlinking one while a start has it open would leave the two locking different files.
/// </summary>
public static class VolumeLocks
{
    public const string Root = "/run/podunits/volume-locks";

    public static string PathOf(string lockDir, string volume) => $"{lockDir}/{volume}.lock";

    /// <summary>
    /// Stage 0: the shared locks of the volumes <paramref name="claimDirs"/> name (each by its
    /// directory's name), close-on-exec until <see cref="KeepAcrossExec"/>. A volume being
    /// removed fails the start at once, "volume NAME: is being removed", rather than waiting
    /// out a removal that may take minutes; the locks already taken are closed then.
    /// </summary>
    public static List<int> TakeShared(string pod, IEnumerable<string> claimDirs, string lockDir = Root)
    {
        ArgumentNullException.ThrowIfNull(claimDirs);
        var fds = new List<int>();
        try
        {
            foreach (string dir in claimDirs)
            {
                string volume = Path.GetFileName(dir);
                int fd = Open(lockDir, volume);
                fds.Add(fd);
                if (!TryLock(fd, LibcExtra.LOCK_SH, PathOf(lockDir, volume)))
                {
                    throw new PodUnitsException($"volume {volume}",
                        $"is being removed ('podunits volume rm'); pod {pod} can start once that is done, and gets an empty volume");
                }
            }
            return fds;
        }
        catch
        {
            Close(fds);
            throw;
        }
    }

    /// <summary>`podunits volume rm`: the exclusive lock's descriptor, or null when a pod
    /// holds the volume or another removal has it (<see cref="IsBeingRemoved"/> tells which).
    /// The caller closes it once the removal is done.</summary>
    public static int? TryExclusive(string volume, string lockDir = Root)
    {
        int fd = Open(lockDir, volume);
        try
        {
            if (TryLock(fd, LibcExtra.LOCK_EX, PathOf(lockDir, volume)))
            {
                return fd;
            }
        }
        catch
        {
            LibcExtra.close(fd);
            throw;
        }
        LibcExtra.close(fd);
        return null;
    }

    /// <summary>Whether a removal holds the volume's lock (exclusive): a shared lock cannot
    /// be had for an instant. Pods hold it shared.</summary>
    public static bool IsBeingRemoved(string volume, string lockDir = Root)
    {
        int fd = Open(lockDir, volume);
        try
        {
            return !TryLock(fd, LibcExtra.LOCK_SH, PathOf(lockDir, volume));
        }
        finally
        {
            LibcExtra.close(fd); // drops the shared lock, if taken
        }
    }

    /// <summary>Clears close-on-exec just before stage 0 execs stage 1, which marks them
    /// close-on-exec again (<see cref="Adopt"/>): no process of the pod ever gets one, since
    /// a container could unlock it (LOCK_UN acts on the shared open file) or keep it.</summary>
    public static void KeepAcrossExec(IEnumerable<int> fds) => SetCloseOnExec(fds, 0);

    /// <summary>Stage 1's side of <see cref="KeepAcrossExec"/>.</summary>
    public static void Adopt(IEnumerable<int> fds) => SetCloseOnExec(fds, LibcExtra.FD_CLOEXEC);

    public static void Close(IEnumerable<int> fds)
    {
        ArgumentNullException.ThrowIfNull(fds);
        foreach (int fd in fds)
        {
            LibcExtra.close(fd);
        }
    }

    private static void SetCloseOnExec(IEnumerable<int> fds, int flags)
    {
        ArgumentNullException.ThrowIfNull(fds);
        foreach (int fd in fds)
        {
            Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, flags), "fcntl F_SETFD", "a volume's lock");
        }
    }

    /// <summary>The lock file's descriptor, at 10 or above: `run -it` spawns stage 1 with the
    /// descriptors 0 to 5 mapped (Executor/Stage1.Spawn) and these at their own numbers,
    /// which must not be one of those.</summary>
    private static int Open(string lockDir, string volume)
    {
        PodPaths.CreatePrivateDirectory(lockDir);
        string path = PathOf(lockDir, volume);
        int fd = Check.Io(LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0x180), "open", path);
        int high = LibcExtra.fcntl(fd, LibcExtra.F_DUPFD_CLOEXEC, 10);
        int errno = Marshal.GetLastPInvokeError();
        LibcExtra.close(fd);
        return high >= 0 ? high : throw new NativeCallException("fcntl F_DUPFD_CLOEXEC", errno, path);
    }

    /// <summary>flock without waiting: false when it is held in a conflicting way.</summary>
    private static bool TryLock(int fd, int operation, string path)
    {
        if (LibcExtra.flock(fd, operation | LibcExtra.LOCK_NB) == 0)
        {
            return true;
        }
        int errno = Marshal.GetLastPInvokeError();
        return errno == LibcExtra.EWOULDBLOCK ? false : throw new NativeCallException("flock", errno, path);
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Executor;

namespace PodUnits.Runtime.State;

/// <summary>
/// The claim on a pod's name: an exclusive flock(2) on /run/podunits/state/NAME.lock, taken
/// by `podunits run` before it touches anything of the pod and held by its process until it
/// ends: across the exec into stage 1, and released by the kernel when the process dies, so a
/// crashed executor never keeps the name and a reused PID never looks like a running pod.
/// Whether a pod runs is whether its lock is held (<see cref="IsHeld"/>), not a PID check.
/// </summary>
public sealed class PodClaim
{
    private PodClaim(string pod, int fd)
    {
        Pod = pod;
        Fd = fd;
    }

    public string Pod { get; }

    /// <summary>The lock's descriptor, close-on-exec until <see cref="KeepAcrossExec"/>.</summary>
    public int Fd { get; }

    public static string LockPath(string pod) => $"{PodPaths.RuntimeRoot}/{pod}.lock";

    /// <summary>Takes the name or fails with "is already running (executor PID N)".</summary>
    public static PodClaim Acquire(string pod)
    {
        PodPaths.CreateRuntimeRoot();
        string path = LockPath(pod);
        while (true)
        {
            int fd = Check.Io(LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0x180), "open", path);
            if (!TryLockExclusive(fd))
            {
                int errno = Marshal.GetLastPInvokeError();
                LibcExtra.close(fd);
                if (errno != LibcExtra.EWOULDBLOCK)
                {
                    throw new NativeCallException("flock", errno, path);
                }
                string pid = PodState.Pids(pod) is (int executor, _) ? executor.ToString(CultureInfo.InvariantCulture) : "unknown";
                throw new PodUnitsException($"pod {pod}", $"is already running (executor PID {pid})");
            }
            // gc unlinks a lock only while holding it: a file locked after that is a dead
            // one, and the next open makes a fresh file.
            if (!IsUnlinked(fd))
            {
                if (!PodProcesses.NoneLeftWithin(pod, EarlierRunPatience))
                {
                    LibcExtra.close(fd);
                    throw new PodUnitsException($"pod {pod}", $"processes of an earlier run, whose executor was killed, are still stopping "
                        + $"(in {ContainerUnits.SliceName(pod)} or {AdHocScope.Name(pod)}); nothing of theirs was touched: "
                        + "try again once they are gone");
                }
                return new PodClaim(pod, fd);
            }
            LibcExtra.close(fd);
        }
    }

    /// <summary>
    /// How long a claim waits for what an earlier run left running. A free lock says only that
    /// the run's executor is gone: after a SIGKILL of it, the pod init of a pod in a scope of
    /// its own goes on stopping the containers for their grace period. A start meanwhile
    /// deleted their writable layers and emptyDirs under them, released their network and
    /// gave up their user-namespace IDs before anything noticed (recovery review of
    /// 2026-12-07, finding 1). Under pod@NAME.service systemd kills the rest of the service
    /// with its main process, and the containers' PID namespaces go with the pod init in
    /// moments: a restart waits for that here rather than failing.
    /// </summary>
    private static readonly TimeSpan EarlierRunPatience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// LOCK_EX without waiting for a running pod, but with a few short retries: IsHeld (gc,
    /// status, list, a start's port check) takes a shared lock for an instant to look, and a start at
    /// that instant must not take it for a running pod. A real holder keeps the lock for
    /// the pod's whole life.
    /// </summary>
    /// <param name="onBusy">For tests: called once, after the first try found the lock held,
    /// so that a test can drop its look at a known point instead of racing the retries
    /// (merged network review of 2026-12-07, finding 7).</param>
    private static bool TryLockExclusive(int fd, Action? onBusy = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (LibcExtra.flock(fd, LibcExtra.LOCK_EX | LibcExtra.LOCK_NB) == 0)
            {
                return true;
            }
            if (Marshal.GetLastPInvokeError() != LibcExtra.EWOULDBLOCK || attempt == 4)
            {
                return false;
            }
            if (attempt == 0)
            {
                onBusy?.Invoke();
            }
            Thread.Sleep(10);
        }
    }

    /// <summary>Whether a process holds the pod's claim (the pod is starting or running).</summary>
    public static bool IsHeld(string pod)
    {
        int fd = LibcExtra.open(LockPath(pod), LibcExtra.O_RDONLY | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0);
        if (fd < 0)
        {
            return false; // never claimed since boot, or collected
        }
        try
        {
            if (LibcExtra.flock(fd, LibcExtra.LOCK_SH | LibcExtra.LOCK_NB) == 0)
            {
                return false;
            }
            int errno = Marshal.GetLastPInvokeError();
            return errno == LibcExtra.EWOULDBLOCK ? true : throw new NativeCallException("flock", errno, LockPath(pod));
        }
        finally
        {
            LibcExtra.close(fd); // closing drops the shared lock, if taken
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> holding the pod's name, for gc's clean-up of what a dead
    /// run left in systemd (its slice), so that no start of the pod begins meanwhile: false,
    /// without running it, when a run holds the name. A start in those few milliseconds is
    /// refused as a start of a running pod is. A lock file made here for a pod without state
    /// is removed again while held, as <see cref="TryCollect"/> removes one.
    /// </summary>
    public static Task<bool> WhileUnclaimedAsync(string pod, Func<Task> action) => WhileUnclaimedAsync(pod, action, onBusy: null);

    /// <summary><see cref="WhileUnclaimedAsync(string, Func{Task})"/>, with TryLockExclusive's
    /// test hook.</summary>
    internal static async Task<bool> WhileUnclaimedAsync(string pod, Func<Task> action, Action? onBusy)
    {
        ArgumentNullException.ThrowIfNull(action);
        PodPaths.CreateRuntimeRoot();
        string path = LockPath(pod);
        int fd = Check.Io(LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0x180), "open", path);
        try
        {
            // With Acquire's retries: a bare try met IsHeld's passing look (another start's
            // port check, status, list) and took a killed pod for a running one, whose DNAT
            // rules a start then left in front of its own (network review of 2026-12-07, finding 2).
            if (!TryLockExclusive(fd, onBusy) || IsUnlinked(fd))
            {
                return false; // running, or another gc collected the file meanwhile
            }
            try
            {
                await action().ConfigureAwait(false);
            }
            finally
            {
                // Only while the path still names the file held here: an action that released
                // the pod (gc's DeleteAdHoc) unlinked it already, and a start may have made and
                // locked a new one there since, which this unlinked under the running pod
                // (lifecycle review of 2026-12-07, finding 6). Only a holder unlinks the file,
                // so a linked one is still ours.
                if (!IsUnlinked(fd) && !Directory.Exists(PodPaths.RuntimeDir(pod)))
                {
                    File.Delete(path);
                }
            }
            return true;
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }

    /// <summary>Removes the lock file of a pod nobody claims (gc); false when it is held.</summary>
    public static bool TryCollect(string pod)
    {
        string path = LockPath(pod);
        int fd = LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0);
        if (fd < 0)
        {
            return true;
        }
        try
        {
            if (LibcExtra.flock(fd, LibcExtra.LOCK_EX | LibcExtra.LOCK_NB) != 0)
            {
                return false;
            }
            // Unlinked between the open and the lock (an ended pod's clean-up), the path may
            // name a new run's lock file by now, which must stay (review of the merged
            // changes, 2026-12-07, finding 3: as WhileUnclaimedAsync).
            if (!IsUnlinked(fd))
            {
                File.Delete(path);
            }
            return true;
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }

    /// <summary>Clears close-on-exec just before stage 0 execs stage 1, which inherits the
    /// claim and marks it close-on-exec again (<see cref="Adopt"/>), so the pod's processes
    /// never get it.</summary>
    public void KeepAcrossExec() =>
        Check.Io(LibcExtra.fcntl(Fd, LibcExtra.F_SETFD, 0), "fcntl F_SETFD", LockPath(Pod));

    /// <summary>Stage 1's side of <see cref="KeepAcrossExec"/>: the inherited descriptor.</summary>
    public static PodClaim Adopt(string pod, int fd)
    {
        Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD", LockPath(pod));
        return new PodClaim(pod, fd);
    }

    private static bool IsUnlinked(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget?.EndsWith(" (deleted)", StringComparison.Ordinal) ?? true;
        }
        catch (IOException)
        {
            return true;
        }
    }
}

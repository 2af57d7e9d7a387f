using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Network;

/// <summary>
/// A pod's network namespace, held by a bind mount at /run/podunits/netns/NAME (as `ip netns`
/// holds /run/netns/NAME, and containerd, CRI-O and podman theirs) from before CNI ADD until
/// after CNI DEL. The namespace then outlives the pod's processes, so DEL always finds the
/// interface and its addresses, also when `podunits gc` runs it after the executor was
/// killed: the bridge plugin removes its masquerading rules only when it can read the
/// address off the interface.
///
/// /run/podunits/netns is a mount point of its own with shared propagation, so that
/// unmounting a pin also unmounts its copies in the mount namespaces services made in the
/// meantime (systemd makes theirs slaves of the host's); the pod init detaches the whole
/// directory in each pod's namespace, where a copy would keep other pods' namespaces alive.
/// </summary>
public static class NetnsPins
{
    public const string Dir = "/run/podunits/netns";

    /// <summary>The CNI container ID of the run that made each pin, beside Dir (whose every
    /// file is a pin): a release DELs only that run's attachment in the namespace
    /// (PodNetwork.ReleaseAsync), whatever state a later start has cleared meanwhile.</summary>
    public const string OwnersDir = "/run/podunits/netns-owners";

    public static string PathOf(string pod) => $"{Dir}/{pod}";

    /// <summary>
    /// The namespaces of attachments whose DEL failed at a start on a CNI network, by CNI
    /// container ID (<see cref="KeepAside"/>): the start needs the pin's name for its own
    /// namespace, and the retry needs the old one, or the bridge plugin leaves its masquerade
    /// rule for good (merged network review of 2026-12-07, finding 1). Under Dir, so shared
    /// and detached in a pod as the pins are; a directory, which <see cref="Pinned"/> skips,
    /// whose name no pod has (a DNS label begins with a letter or digit).
    /// </summary>
    public const string KeptDir = Dir + "/.kept";

    /// <summary>The namespace kept aside for the attachment <paramref name="containerId"/>, or
    /// null when there is none.</summary>
    public static string? KeptOf(string containerId)
    {
        string path = $"{KeptDir}/{containerId}";
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Binds the namespace <paramref name="pod"/>'s pin holds at KeptDir/<paramref name="containerId"/>,
    /// for the attachment of that ID whose DEL failed, before <see cref="Create"/> replaces the
    /// pin: a bind, since a mount under a shared one cannot be moved (mount(2) MS_MOVE). Its
    /// release removes it (<see cref="UnpinKept"/>).
    /// </summary>
    public static void KeepAside(string pod, string containerId)
    {
        string path = $"{KeptDir}/{containerId}";
        Directory.CreateDirectory(KeptDir);
        using (File.Create(path))
        {
        }
        if (LibcExtra.mount(PathOf(pod), path, null, LibcExtra.MS_BIND, null) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            File.Delete(path);
            throw new PodUnitsException($"pod {pod}", $"cannot keep the network namespace of its attachment {containerId} at {path}: "
                + $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    /// <summary>Unmounts and removes what <see cref="KeepAside"/> kept for
    /// <paramref name="containerId"/>; nothing to do when there is none.</summary>
    public static void UnpinKept(string pod, string containerId) => Remove(pod, $"{KeptDir}/{containerId}");

    /// <summary>The CNI container ID of the run whose namespace the pin holds, or null (no pin,
    /// or one made by a version that did not record it).</summary>
    public static string? OwnerOf(string pod)
    {
        string path = $"{OwnersDir}/{pod}";
        return File.Exists(PathOf(pod)) && File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>
    /// Makes the pod's network namespace, empty but for its loopback, and pins it; returns the
    /// pin's path. Made before the pod init, which joins it (PodLauncher), so that CNI ADD can
    /// start at once instead of after the pod init's spawn: the plugins are most of a
    /// networked pod's start (docs/networking.md). A thread of its own unshares, which
    /// changes only that thread, binds /proc/thread-self/ns/net and ends; the pin holds the
    /// namespace from then on, as `ip netns add` does.
    /// </summary>
    public static string Create(string pod, string owner)
    {
        string path = PathOf(pod);
        MakeSharedMountPoint();
        Unpin(pod); // a crashed run's, already DEL'd by the caller or kept aside (KeepAside)
        using (File.Create(path))
        {
        }
        string? error = null;
        var thread = new Thread(() =>
        {
            if (LibcExtra.unshare(LibcExtra.CLONE_NEWNET) != 0 ||
                LibcExtra.mount("/proc/thread-self/ns/net", path, null, LibcExtra.MS_BIND, null) != 0)
            {
                int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                error = $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
            }
        }) { Name = "pod network namespace" };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            File.Delete(path);
            throw new PodUnitsException($"pod {pod}", $"cannot make and pin its network namespace at {path}: {error}");
        }
        Directory.CreateDirectory(OwnersDir);
        File.WriteAllText($"{OwnersDir}/{pod}", owner + "\n");
        return path;
    }

    public static bool Exists(string pod) => File.Exists(PathOf(pod));

    /// <summary>Unmounts and removes the pin; nothing to do when there is none.</summary>
    public static void Unpin(string pod)
    {
        string owner = $"{OwnersDir}/{pod}";
        if (File.Exists(owner))
        {
            File.Delete(owner);
        }
        Remove(pod, PathOf(pod));
    }

    private static void Remove(string pod, string path)
    {
        if (!File.Exists(path))
        {
            return;
        }
        // Until EINVAL (no longer a mount point; also a crash between creating the file and
        // mounting on it): a pin made before the directory had its own peer group may be
        // stacked.
        for (int i = 0; i < 8 && LibcExtra.umount2(path, LibcExtra.MNT_DETACH) == 0; i++)
        {
        }
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            throw new PodUnitsException($"pod {pod}", $"cannot remove the pin of its network namespace {path}: {e.Message}", inner: e);
        }
    }

    /// <summary>The pods that have a pin (running, or left by a crash).</summary>
    public static IEnumerable<string> Pinned() =>
        Directory.Exists(Dir) ? Directory.EnumerateFiles(Dir).Select(System.IO.Path.GetFileName).OfType<string>() : [];

    /// <summary>What a pod init does first in its own mount namespace: drop its copy of every
    /// other pod's pin (ignored when there is none).</summary>
    public static void DetachInPod() => _ = LibcExtra.umount2(Dir, LibcExtra.MNT_DETACH);

    /// <summary>Binds the directory onto itself and makes it shared, once per boot; under a
    /// lock, because two pods starting at once would both find it missing.</summary>
    private static void MakeSharedMountPoint()
    {
        Directory.CreateDirectory(Dir);
        using FileLock _ = FileLock.Exclusive(Dir + ".lock");
        MountSharedOnce();
    }

    private static void MountSharedOnce()
    {
        if (IsMountPoint(Dir))
        {
            return;
        }
        Check.Io(LibcExtra.mount(Dir, Dir, null, LibcExtra.MS_BIND, null), "mount --bind", Dir);
        // Private first: a bind of a directory in /run (shared on systemd hosts) joins /run's
        // peer group, and every pin would then be mounted twice, once hidden under this
        // mount, where unlinking the pin fails with EBUSY. Then shared, in a group of its own.
        Check.Io(LibcExtra.mount(null, Dir, null, LibcExtra.MS_PRIVATE, null), "mount --make-private", Dir);
        Check.Io(LibcExtra.mount(null, Dir, null, LibcExtra.MS_SHARED, null), "mount --make-shared", Dir);
    }

    /// <summary>Whether /proc/self/mountinfo (proc(5)) lists <paramref name="path"/> as a mount point.</summary>
    internal static bool IsMountPoint(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } f && f[4] == path);
}

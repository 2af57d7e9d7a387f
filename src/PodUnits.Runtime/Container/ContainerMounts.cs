using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Confinement;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// Builds a container's root in its own mount namespace: overlayfs over the image (nodev),
/// the API file systems with the default masks (<see cref="DefaultConfinement"/>), a minimal
/// /dev, the pod's shared /etc files and the volumes; then pivot_root into it. Every target
/// is resolved inside the root (<see cref="ContainerRoot"/>) and mounted onto a descriptor, so
/// an image's symlinks cannot send a mount to the host. Bind mounts are cloned trees
/// (open_tree) whose flags are set with mount_setattr(2) before they are attached, so a
/// read-only volume is read-only all the way down, submounts included, and keeps nodev.
/// The order matters: the root's own read-only flag comes last. In a pod with its own user
/// namespace (<see cref="ContainerUsers"/>) the same root is built with idmapped layers and
/// volumes, and the pivot_root waits for the step that joins the namespace
/// (<see cref="UserNamespaceEntry"/>).
/// </summary>
internal static class ContainerMounts
{
    private const ulong NoSuidDev = LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV;

    /// <param name="notifySocket">Bind the pod's notify socket (Activation/NotifySocket.cs) in.</param>
    /// <param name="users">The pod's user namespace, or null: then the root is entered here;
    /// with one, the caller enters it (<see cref="UserNamespaceEntry"/>).</param>
    /// <returns>The root's path in this mount namespace.</returns>
    public static string EnterRoot(ContainerPlan c, bool notifySocket = false, ContainerUsers? users = null)
    {
        string dir = $"/run/podunits/containers/{c.Name}";
        string root = $"{dir}/root";
        Directory.CreateDirectory(root);
        string upper = $"{c.LayerDir}/upper", work = $"{c.LayerDir}/work";
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        // dir: images with ':' are refused at planning, so the plan's list splits cleanly.
        IReadOnlyList<string> lowerDirs = c.LowerDir.Split(':');
        if (users is not null)
        {
            lowerDirs = users.IdmappedLowerDirs(lowerDirs, $"{dir}/layers");
            users.OwnUpperLayer(upper);
            SetupSteps.Done("idmapped layers");
        }
        // nodev: a device node in an image layer (or one the container makes in its upper
        // layer) cannot be opened through the root, whatever the device policy says.
        OverlayMount.Create(root, lowerDirs, upper, work, c.Privileged ? 0 : LibcExtra.MOUNT_ATTR_NODEV);
        SetupSteps.Done("overlay");
        int idmapShared = users?.NamespaceFd ?? -1;
        using (var inRoot = new ContainerRoot(root, users?.Root))
        {
            ApiFileSystems(inRoot, c.Privileged, c.ProcUnmasked, users);
            // The pod's /etc files after the volumes of depth 1 (the plan's are ordered by
            // depth) and before the deeper ones, as containerd sorts them all by depth: a
            // volume at /etc no longer hides hosts, hostname and resolv.conf, and one at
            // /etc/hosts still wins (confinement review of 2026-12-07, finding 8).
            bool etcFilesBound = false;
            foreach (MountPlan m in c.Mounts)
            {
                if (!etcFilesBound && MountPlan.DepthOf(m.Target) >= 2)
                {
                    BindPodEtcFiles(c, inRoot, idmapShared);
                    etcFilesBound = true;
                }
                VolumeMountFailures.Said(m, () => MountVolume(c, m, inRoot, users));
            }
            if (!etcFilesBound)
            {
                BindPodEtcFiles(c, inRoot, idmapShared);
            }
            SetupSteps.Done("volumes");
            MakeWorkingDirectory(c, inRoot);
            if (notifySocket)
            {
                BindNotifySocket(inRoot, idmapShared);
            }
        }
        if (c.ReadOnlyRootFilesystem)
        {
            // The root mount alone (not its submounts: volumes, /dev, /proc stay as they are),
            // keeping nodev, which a MS_REMOUNT would have cleared. /run and /tmp are the
            // root's own directories: read-only with it, as on Kubernetes.
            Mount.SetAttributes(LibcExtra.AT_FDCWD, root, recursive: false, LibcExtra.MOUNT_ATTR_RDONLY);
        }
        if (users is not null)
        {
            return root; // pivot_root comes with the user namespace (UserNamespaceEntry)
        }
        // pivot_root(".", "."): the old root ends up on top of the new one; detach it
        // (pivot_root(2), NOTES), so nothing of the host stays reachable.
        Check.Io(LibcExtra.chdir(root), "chdir", root);
        Check.Io(LibcExtra.pivot_root(".", "."), "pivot_root", root);
        Check.Io(LibcExtra.umount2(".", LibcExtra.MNT_DETACH), "umount2", "old root");
        Check.Io(LibcExtra.chdir("/"), "chdir", "/");
        SetupSteps.Done("pivot_root");
        return root;
    }

    private static void BindPodEtcFiles(ContainerPlan c, ContainerRoot inRoot, int idmapShared)
    {
        foreach (string f in c.PodEtcFiles)
        {
            // The pod's one copy, every container's: read-only with a read-only root, as
            // containerd mounts them, or a "read-only" container could still point its
            // siblings' names elsewhere.
            // Kept out of /proc as volumes are: an image's /etc/hosts -> /proc/... put the
            // pod's file over a file of the container's procfs (confinement review of
            // 2026-12-07, finding 2; runc refuses such a mount too).
            using var target = new Fd(inRoot.File($"/etc/{f}"));
            RefuseProcReachedThroughALink(target.Value, $"/etc/{f}", $"/etc/{f} of the image", $"the pod's /etc/{f}");
            Mount.BindOnto($"/run/podunits/etc/{f}", target.Value,
                LibcExtra.MOUNT_ATTR_NODEV | (c.ReadOnlyRootFilesystem ? LibcExtra.MOUNT_ATTR_RDONLY : 0), idmapShared);
        }
        SetupSteps.Done("etc files");
    }

    /// <summary>A missing working directory is made here, before the root may become
    /// read-only, and after the volumes, so one inside a volume is made in it: runc makes it
    /// in prepareRootfs, before finalizeRootfs sets the root read-only. Made later, by
    /// become.c, it failed with EROFS under readOnlyRootFilesystem (confinement review of
    /// 2026-12-07, finding 4). A path that cannot be made (a file on the way, a link out of
    /// the root) is left to become.c, which refuses it with its own message, as it does for
    /// container-exec.</summary>
    private static void MakeWorkingDirectory(ContainerPlan c, ContainerRoot inRoot)
    {
        if (!c.WorkingDir.StartsWith('/'))
        {
            return;
        }
        try
        {
            LibcExtra.close(inRoot.Directory(c.WorkingDir));
        }
        catch (NativeCallException)
        {
            // become.c says why, at the same path, with the start's usual exit status.
        }
    }

    private static void MountVolume(ContainerPlan c, MountPlan m, ContainerRoot inRoot, ContainerUsers? users)
    {
        ulong attributes = (c.Privileged ? 0 : LibcExtra.MOUNT_ATTR_NODEV) | (m.ReadOnly ? LibcExtra.MOUNT_ATTR_RDONLY : 0);
        int idmap = users?.IdmapFor(m.Source) ?? -1;
        using Fd hostSource = HostPathSource(m.Source);
        string source = hostSource.Value >= 0 ? ContainerRoot.ProcFd(hostSource.Value) : m.Source;
        if (m.SubPath is { } subPath)
        {
            VolumeMountFailures.RefuseSubPathOfAFile(m, source);
            // A missing subPath in a pod's own volume is the namespace root's; in an
            // idmapped one, host root's is already container root's.
            BindSubPath(source, m, subPath, inRoot, attributes, idmap, idmap < 0 ? users?.Root : null);
        }
        else
        {
            bool directory = Directory.Exists(source);
            VolumeMountFailures.RefuseKindMismatch(m, source, inRoot);
            using var target = new Fd(directory ? inRoot.Directory(m.Target) : inRoot.File(m.Target));
            RefuseProcReachedThroughALink(target.Value, m.Target);
            Mount.BindOnto(source, target.Value, attributes, idmap);
        }
    }

    /// <summary>
    /// The notify socket alone, read-only (which leaves it writable: a socket's writes are not
    /// file writes): nothing else of the host's /run comes with it. After the volumes: an
    /// emptyDir at /run (or /var/run, the image's link to it), the usual companion of
    /// readOnlyRootFilesystem, covered it, and READY=1 never came (activation review of
    /// 2026-12-06, finding 1). Its mountpoint is then made in that volume.
    /// </summary>
    private static void BindNotifySocket(ContainerRoot inRoot, int idmap)
    {
        try
        {
            Mount.Bind(Activation.NotifySocket.PodPath, inRoot, Activation.NotifySocket.ContainerPath, directory: false,
                LibcExtra.MOUNT_ATTR_RDONLY | LibcExtra.MOUNT_ATTR_NOSUID | LibcExtra.MOUNT_ATTR_NODEV | LibcExtra.MOUNT_ATTR_NOEXEC, idmap);
        }
        catch (NativeCallException e)
        {
            throw new PodUnitsException("podunits.io/notify",
                $"the notify socket cannot be placed at {Activation.NotifySocket.ContainerPath}: {e.Syscall} failed: {e.Why} (a volume mounted at /run must be writable)", e.ExitCode);
        }
    }

    /// <summary>subPath: one entry of the volume, resolved inside the volume as if it were a
    /// root (openat2 RESOLVE_IN_ROOT), so a symlink a container left in a shared volume cannot
    /// point the mount at the host (the kubelet's CVE-2017-1002101). A missing entry is created
    /// as a directory with the volume root's mode, as the kubelet does. Bound by descriptor:
    /// nothing can swap it between the lookup and the mount.</summary>
    private static void BindSubPath(string volumeRoot, MountPlan m, string subPath, ContainerRoot inRoot, ulong attributes, int idmap, uint? podOwner)
    {
        using var volume = new ContainerRoot(volumeRoot, podOwner, directoriesLikeRoot: true);
        int fd;
        bool isDirectory;
        try
        {
            (fd, isDirectory) = volume.TryExisting(subPath) ?? (volume.Directory(subPath), true);
        }
        catch (NativeCallException e)
        {
            // The path is not said: a subPathExpr's may hold a variable's value, a Secret's
            // (the planner quotes the expression, never the value), and this line goes to the
            // journal. The definition says which entry it is.
            throw new PodUnitsException($"volumeMounts {m.Target}", $"its subPath cannot be looked up in the volume: {e.Syscall} failed: {e.Why}", e.ExitCode);
        }
        using var source = new Fd(fd);
        VolumeMountFailures.RefuseKindMismatch(m, ContainerRoot.ProcFd(fd), inRoot);
        using var target = new Fd(isDirectory ? inRoot.Directory(m.Target) : inRoot.File(m.Target));
        RefuseProcReachedThroughALink(target.Value, m.Target);
        Mount.BindOnto(ContainerRoot.ProcFd(fd), target.Value, attributes, idmap);
    }

    /// <summary>The definition's check keeps volumes out of /proc as written (runc's rule, but
    /// for lxcfs's files); an image's symlink (/etc/app -> /proc/sys/kernel) could still
    /// send one there, over a file the container's confinement relies on. runc checks the
    /// resolved destination; so does this, by the file system the target is on.</summary>
    private static void RefuseProcReachedThroughALink(int targetFd, string mountPath, string? what = null, string mounted = "a volume")
    {
        bool written = mountPath.StartsWith("/proc/", StringComparison.Ordinal); // one of lxcfs's files: the definition allowed it
        if (!written && LibcExtra.FileSystemType(targetFd) == LibcExtra.PROC_SUPER_MAGIC)
        {
            throw new Core.Errors.PodUnitsException(what ?? $"volumeMounts {mountPath}",
                $"leads into /proc through a symbolic link of the image; {mounted} cannot be mounted there");
        }
    }

    /// <summary>A hostPath volume's source, looked up in the pod init's copy of the host's tree
    /// as if it were the root (RESOLVE_IN_ROOT): /var/run/docker.sock through the host's
    /// /var/run -> /run link reaches the host's /run, not the pod's. An O_PATH descriptor, or
    /// -1 for a source that is not a hostPath.</summary>
    private static Fd HostPathSource(string source)
    {
        if (State.PodPaths.HostPathOf(source) is not { } path)
        {
            return new Fd(-1);
        }
        using var host = new ContainerRoot(State.PodPaths.InsidePodHostRoot);
        return host.TryExisting(path) is { } found
            ? new Fd(found.Fd)
            : throw new Core.Errors.PodUnitsException($"hostPath {path}", State.PodPaths.HostPathMissing);
    }

    private static void ApiFileSystems(ContainerRoot inRoot, bool privileged, bool procUnmasked, ContainerUsers? users)
    {
        Mount.Fresh("proc", inRoot, "/proc", "proc", NoSuidDev | LibcExtra.MS_NOEXEC, null);
        Mount.Fresh("sysfs", inRoot, "/sys", "sysfs", NoSuidDev | LibcExtra.MS_NOEXEC | (privileged ? 0 : LibcExtra.MS_RDONLY), null);
        SetupSteps.Done("proc and sys");
        // procMount: Unmasked (hostUsers: false only): what the masks hid is then guarded by the
        // kernel's own checks, which container root, not the host's, does not pass.
        if (!privileged && !procUnmasked)
        {
            Masks(inRoot);
            SetupSteps.Done("masks");
        }
        Dev(inRoot, users);
        SetupSteps.Done("dev");
        // No tmpfs on /run or /tmp: they are the image's, in the container's fresh writable
        // layer, as containerd and CRI-O leave them. A tmpfs hid what images ship there (a
        // postgres image's /var/run/postgresql, owned by its user), counted its pages against
        // limits.memory, and stayed writable under readOnlyRootFilesystem, where Kubernetes
        // users mount an emptyDir.
    }

    /// <summary>The default masked and read-only paths of /proc and /sys (runc's way: /dev/null
    /// over a file, an empty read-only tmpfs over a directory, a read-only bind of itself).</summary>
    private static void Masks(ContainerRoot inRoot)
    {
        foreach (string path in DefaultConfinement.MaskedPaths.Concat(DefaultConfinement.MaskedCpuDirectories(SysCpuEntries(inRoot))))
        {
            if (inRoot.TryExisting(path) is not (int fd, bool isDirectory))
            {
                continue;
            }
            using var target = new Fd(fd);
            if (isDirectory)
            {
                Mount.Fresh("tmpfs", ContainerRoot.ProcFd(fd), "tmpfs", NoSuidDev | LibcExtra.MS_NOEXEC | LibcExtra.MS_RDONLY, "size=0,mode=0555");
            }
            else
            {
                Mount.BindOnto("/dev/null", fd, LibcExtra.MOUNT_ATTR_RDONLY | LibcExtra.MOUNT_ATTR_NOSUID | LibcExtra.MOUNT_ATTR_NOEXEC);
            }
        }
        foreach (string path in DefaultConfinement.ReadOnlyPaths)
        {
            if (inRoot.TryExisting(path) is not (int fd, _))
            {
                continue;
            }
            using var target = new Fd(fd);
            Mount.BindOnto(ContainerRoot.ProcFd(fd), fd,
                LibcExtra.MOUNT_ATTR_RDONLY | LibcExtra.MOUNT_ATTR_NOSUID | LibcExtra.MOUNT_ATTR_NODEV | LibcExtra.MOUNT_ATTR_NOEXEC);
        }
    }

    /// <summary>The names in the container's own sysfs's CPU directory, listed through its
    /// descriptor (resolved inside the root, as every mask is), or none.</summary>
    private static string[] SysCpuEntries(ContainerRoot inRoot)
    {
        if (inRoot.TryExisting(DefaultConfinement.SysCpus) is not (int fd, bool isDirectory))
        {
            return [];
        }
        using var cpus = new Fd(fd);
        return !isDirectory ? [] : [.. Directory.EnumerateDirectories(ContainerRoot.ProcFd(fd)).Select(Path.GetFileName).OfType<string>()];
    }

    private static void Dev(ContainerRoot inRoot, ContainerUsers? users)
    {
        string owner = ContainerUsers.TmpfsOwner(users);
        Mount.Fresh("tmpfs", inRoot, "/dev", "tmpfs", LibcExtra.MS_NOSUID | LibcExtra.MS_NOEXEC, $"mode=0755,size={DefaultConfinement.DevSize}{owner}");
        foreach (string d in DefaultConfinement.DeviceNodes)
        {
            // Each bind is the host's devtmpfs inode: read-write, a root container's chmod or
            // chown of its /dev/null changed the host's and every other container's
            // (confinement review of 2026-12-07, finding 1). On a read-only mount chmod, chown
            // and utimes get EROFS, while reads and writes of the device still work (the kernel
            // takes no write access on the mount for a special file: do_dentry_open). Not noexec:
            // an executable mapping of /dev/zero works under runc and crun (review of the merged
            // confinement change, 2026-12-07, finding 2).
            Mount.Bind($"/dev/{d}", inRoot, $"/dev/{d}", directory: false,
                LibcExtra.MOUNT_ATTR_RDONLY | LibcExtra.MOUNT_ATTR_NOSUID);
        }
        // gid=5: the tty group, as runc and systemd-nspawn mount it.
        Mount.Fresh("devpts", inRoot, "/dev/pts", "devpts", LibcExtra.MS_NOSUID | LibcExtra.MS_NOEXEC,
            $"newinstance,ptmxmode=0666,mode=0620,gid={ContainerUsers.TtyGroup(users)}");
        // The pod's one /dev/shm, shared by its containers (Init/PodShm.cs). Not idmapped: in
        // a pod with its own user namespace it belongs to the namespace root already, and its
        // files hold mapped IDs, as a memory emptyDir's. A volume at /dev/shm comes later and
        // wins, as with containerd.
        Mount.Bind(Init.PodShm.Path, inRoot, "/dev/shm", directory: true,
            LibcExtra.MOUNT_ATTR_NODEV | LibcExtra.MOUNT_ATTR_NOSUID | LibcExtra.MOUNT_ATTR_NOEXEC);
        using var dev = new Fd(inRoot.Directory("/dev"));
        foreach ((string name, string target) in new[]
                 {
                     ("ptmx", "pts/ptmx"), ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                     ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2"),
                 })
        {
            Mount.Symlink(target, dev.Value, name);
        }
    }
}

using System.Text;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Init;

/// <summary>
/// What the pod init prepares in the pod's fresh namespaces before any container starts:
/// private mounts, its own /proc, a private /run holding the plan and the files every
/// container shares (/etc/hostname, hosts, resolv.conf, /dev/shm), the pod's journal and os-release,
/// memory volumes, configMap/secret/downwardAPI/projected volumes, the pod's sysctls, the
/// hostname and lo.
/// </summary>
internal static unsafe class PodInitSetup
{
    private const string PodRun = State.PodPaths.InsidePodRun;
    private static readonly string[] OsReleasePaths = ["/usr/lib/os-release", "/etc/os-release"];

    /// <summary>The first steps: private mounts, the pod's own /proc (which the user
    /// namespace's maps are written through) and its sysctls. Returns a detached copy of the
    /// host's mount tree for <see cref="Prepare"/> when the pod has hostPath volumes, or -1.</summary>
    public static int PrepareNamespaces(PodPlan plan)
    {
        // Nothing mounted in the pod may propagate back to the host (mount_namespaces(7)).
        Check.Io(LibcExtra.mount(null, "/", null, LibcExtra.MS_REC | LibcExtra.MS_PRIVATE, null), "mount --make-rprivate", "/");
        Network.NetnsPins.DetachInPod(); // other pods' pinned namespaces, copied with the mounts
        // Before the pod's own mounts: hostPath /run/..., /var/log, /proc or /etc/os-release
        // is the host's, as the kubelet mounts it, not what the pod put over it.
        int hostTree = plan.NeedsHostTree()
            ? Check.Io(LibcExtra.open_tree(LibcExtra.AT_FDCWD, "/", LibcExtra.OPEN_TREE_CLONE | LibcExtra.OPEN_TREE_CLOEXEC | LibcExtra.AT_RECURSIVE),
                "open_tree", "/")
            : -1;
        Check.Io(LibcExtra.mount("proc", "/proc", "proc", LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV | LibcExtra.MS_NOEXEC, null), "mount proc", "/proc");
        // First, while the executor attaches the network: conf.default.* then reaches the
        // pod's interface (CNI plugins take far longer than this; docs/confinement.md).
        PodSysctls.Apply(plan);
        return hostTree;
    }

    /// <summary>The rest, after <see cref="PrepareNamespaces"/>; <paramref name="hostTree"/>
    /// is what it returned (closed here).</summary>
    public static void Prepare(PodPlan plan, string planJson, int hostTree = -1)
    {
        string hostResolv = File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : "";
        string? hostHosts = plan.HostNetwork && File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts") : null;
        int notifySocket = PodInitActivation.HoldNotifySocket(plan);
        PodTmpfs.Mount("/run", LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV, "mode=0755");
        Directory.CreateDirectory($"{PodRun}/etc");
        if (hostTree >= 0)
        {
            using var tree = new Container.Fd(hostTree);
            Directory.CreateDirectory(State.PodPaths.InsidePodHostRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Check.Io(LibcExtra.move_mount(tree.Value, "", LibcExtra.AT_FDCWD, State.PodPaths.InsidePodHostRoot, LibcExtra.MOVE_MOUNT_F_EMPTY_PATH),
                "move_mount", State.PodPaths.InsidePodHostRoot);
        }
        PodInitActivation.PlaceNotifySocket(notifySocket);
        File.WriteAllText($"{PodRun}/etc/hostname", plan.Hostname + "\n");
        File.WriteAllText($"{PodRun}/etc/hosts", HostsFile(plan, hostHosts));
        File.WriteAllText($"{PodRun}/etc/resolv.conf", plan.ResolvConf ?? hostResolv);
        PodShm.Mount(plan);
        PodJournal(plan);
        PodOsRelease(plan);
        foreach (EmptyDirPlan v in plan.EmptyDirs.Where(v => v.Memory))
        {
            Directory.CreateDirectory(v.Path);
            string size = v.SizeLimitBytes is { } b ? $",size={b}" : "";
            PodTmpfs.Mount(v.Path, LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV, "mode=1777" + size);
            FsGroupOwnership.NewPodVolume(v.Path, v.FsGroup, plan.Users);
        }
        foreach (ProjectedVolumePlan v in plan.ProjectedVolumes)
        {
            ProjectedVolumeWriter.Mount(v);
        }
        // Root only: it holds the environment. Written once the volumes are: `podunits reload`
        // takes it for the sign that the pod runs, and must not write a volume not mounted yet.
        State.PodPaths.WritePrivateFile(State.PodPaths.InsidePodPlan, planJson);
        byte[] name = Encoding.UTF8.GetBytes(plan.Hostname);
        fixed (byte* p = name)
        {
            Check.Io(LibcExtra.sethostname(p, (nuint)name.Length), "sethostname", plan.Hostname);
        }
        if (!plan.HostNetwork)
        {
            LoopbackUp();
        }
    }

    /// <summary>
    /// What the pod's own journald needs in the pod's mount namespace (docs/platform-facts.md): the pod's
    /// machine ID as /etc/machine-id, and as /var/log/journal only the pod's journal
    /// directory, bound from the host, so `journalctl -M` sees the pod's journal and not the host's.
    /// </summary>
    private static void PodJournal(PodPlan plan)
    {
        File.WriteAllText($"{PodRun}/machine-id", plan.MachineId + "\n");
        if (File.Exists("/etc/machine-id"))
        {
            Check.Io(LibcExtra.mount($"{PodRun}/machine-id", "/etc/machine-id", null, LibcExtra.MS_BIND, null), "mount bind", "/etc/machine-id");
        }
        if (plan.JournalDir is null)
        {
            return;
        }
        // The host directory may be under /var/log itself: hold it at a staging point
        // before the tmpfs hides it.
        string staging = $"{PodRun}/journal";
        Directory.CreateDirectory(staging);
        Check.Io(LibcExtra.mount(plan.JournalDir, staging, null, LibcExtra.MS_BIND, null), "mount bind", plan.JournalDir);
        Check.Io(LibcExtra.mount("tmpfs", "/var/log", "tmpfs", LibcExtra.MS_NOSUID | LibcExtra.MS_NODEV, "mode=0755"), "mount tmpfs", "/var/log");
        string inside = $"/var/log/journal/{plan.MachineId}";
        Directory.CreateDirectory(inside);
        Check.Io(LibcExtra.mount(staging, inside, null, LibcExtra.MS_BIND, null), "mount bind", inside);
        Check.Io(LibcExtra.umount2(staging, LibcExtra.MNT_DETACH), "umount2", staging);
    }

    /// <summary>
    /// machined describes a container by the os-release(5) it finds under the leader's root
    /// (`machinectl list` OS and VERSION, `machinectl status` OS:). The leader is this pod
    /// init, whose root is the host's, so the pod would pass for the host's distribution;
    /// in the pod's mount namespace the file says what the pod is instead. The containers
    /// see their images' own os-release.
    /// </summary>
    private static void PodOsRelease(PodPlan plan)
    {
        string file = $"{PodRun}/os-release";
        File.WriteAllText(file, OsRelease(plan));
        // /etc/os-release is usually a link to /usr/lib/os-release; a mount on a link lands
        // on its target, so binding both covers either layout.
        foreach (string path in OsReleasePaths.Where(File.Exists))
        {
            Check.Io(LibcExtra.mount(file, path, null, LibcExtra.MS_BIND, null), "mount bind", path);
        }
    }

    public static string OsRelease(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return $"NAME=\"PodUnits\"\nID=podunits\nVARIANT=\"pod\"\nVARIANT_ID=pod\nPRETTY_NAME=\"PodUnits pod {plan.Name}\"\n";
    }

    /// <summary>The pod's /etc/hosts: its own names, or on the host's network the host's file
    /// (<paramref name="hostHosts"/>) as the kubelet writes it for such a pod
    /// (nodeHostsFileContent): the pod resolves what the host resolves. hostAliases after either.</summary>
    public static string HostsFile(PodPlan plan, string? hostHosts = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        if (hostHosts is not null)
        {
            text.Append(hostHosts);
            if (hostHosts.Length > 0 && !hostHosts.EndsWith('\n'))
            {
                text.Append('\n');
            }
            if (plan.HostsLines.Count > 0)
            {
                text.Append("\n# Entries added by HostAliases.\n");
            }
        }
        else
        {
            text.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
            text.Append("127.0.1.1\t").Append(plan.Hostname).Append('\n');
        }
        foreach (string line in plan.HostsLines)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A new network namespace has only lo, and it is down (SIOCSIFFLAGS, netdevice(7)).</summary>
    private static void LoopbackUp()
    {
        int fd = Check.Io(LibcExtra.socket(LibcExtra.AF_INET, LibcExtra.SOCK_DGRAM | LibcExtra.SOCK_CLOEXEC, 0), "socket");
        try
        {
            LibcExtra.IfReqFlags req = default;
            req.Name[0] = (byte)'l';
            req.Name[1] = (byte)'o';
            Check.Io(LibcExtra.ioctl(fd, LibcExtra.SIOCGIFFLAGS, &req), "ioctl SIOCGIFFLAGS", "lo");
            req.Flags |= LibcExtra.IFF_UP;
            Check.Io(LibcExtra.ioctl(fd, LibcExtra.SIOCSIFFLAGS, &req), "ioctl SIOCSIFFLAGS", "lo");
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }
}

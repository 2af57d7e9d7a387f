using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// <c>podunits-stage1 container-exec PLAN C FLAGS -- ARGV...</c>: a process started inside a
/// running container by `podunits enter`, an exec probe or an exec hook
/// (<see cref="Exec.ExecLauncher"/>, which spawned it already in the container's network, UTS
/// and IPC namespaces, and in its own caller's PID namespace, where no container sees it). It waits on its control socket (fd 3)
/// until the launcher has moved it into the container's scope, then prepares, from outside
/// the container, everything the command needs: the command looked up on the container's
/// PATH and a pseudo-terminal of the container's own devpts (both through the container
/// process's /proc/PID/root, resolved inside it), the plan's environment (never one read from
/// /proc), and the exec spec (<see cref="ExecSpec"/>): its user, groups, capabilities,
/// no_new_privs and seccomp filter, as the container's own process got them. Then it
/// re-executes itself for stage 1's C constructor, which joins the container's mount (and user)
/// namespace, takes all those steps and only then forks into the container's PID namespace to
/// exec the command (Native/enter.c): no process the container can see ever holds more than the
/// container. The pty's master goes to the launcher, so the administrator's terminal never
/// reaches container code. Fd 3 is close-on-exec: it closes with nothing sent when the command
/// runs.
/// </summary>
public static class ContainerExec
{
    public const int ControlFd = 3;
    public const int PidFd = 4;
    /// <summary>The plan, the container's part alone (ExecLauncher), as a sealed memfd.</summary>
    public const int PlanFd = 5;

    /// <summary>FLAGS: "tty", "privileged" and "bound=HEX" (the most capabilities the command may
    /// hold: <see cref="Exec.ExecRequest.BoundingSet"/>), comma-separated, or "-".</summary>
    public static string Flags(bool tty, bool privileged, ulong? bound) =>
        string.Join(',', new[] { tty ? "tty" : null, privileged ? "privileged" : null, bound is ulong b ? $"{BoundFlag}{b:x}" : null }
            .OfType<string>().DefaultIfEmpty("-"));

    private const string BoundFlag = "bound=";


    public static int Run(string planPath, string containerName, string flags, IReadOnlyList<string> argv, IReadOnlyList<string> extraEnv)
    {
        ArgumentNullException.ThrowIfNull(flags);
        Check.Io(LibcExtra.fcntl(ControlFd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD");
        using var control = new ControlChannel(ControlFd);
        string[] set = flags.Split(',');
        // The launcher names the pod and the container before what is sent back.
        string named = $"container {containerName}: ";
        try
        {
            PodPlan pod = PodPlan.Read(planPath);
            State.PlanHandoff.KeepFromChildren(planPath); // the command must not inherit the plan
            ContainerPlan c = pod.Containers.SingleOrDefault(x => x.Name == containerName)
                ?? throw new PodUnitsException($"pod {pod.Name}", $"has no container {containerName}");
            if (control.ReceiveExecMessage(out int[] fds) is not ExecControlMessage.Go || fds.Length > 0)
            {
                Array.ForEach(fds, fd => LibcExtra.close(fd));
                return ContainerCommand.SetupFailed; // the launcher gave up before placing us in the scope
            }
            // Before the namespaces: what is dropped from the bounding set here no process of
            // the command can ever regain, in any namespace.
            if (set.FirstOrDefault(f => f.StartsWith(BoundFlag, StringComparison.Ordinal)) is { } bound)
            {
                LimitBoundingSet(ulong.Parse(bound.AsSpan(BoundFlag.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
            using var rootFd = new Fd(OpenContainerRoot(containerName));
            string root = ContainerRoot.ProcFd(rootFd.Value);
            bool tty = set.Contains("tty");
            if (tty)
            {
                // Owned by the command's user as the host sees it (its own user namespace's
                // IDs are the pod's host IDs); the command takes it as its controlling terminal.
                ContainerTerminal.Attach(control, root, "podunits enter", pod.Users?.ToHost(c.Uid) ?? c.Uid, controlling: false);
            }
            List<string> env = [.. c.Env.Where(e => !extraEnv.Any(x => SameName(x, e))), .. extraEnv];
            if (PodAddressTokens.AnyIn(env))
            {
                env = PodAddressTokens.Replace(env, PodAddressTokens.CurrentAddresses()); // in the pod's network namespace
            }
            using var inRoot = new ContainerRoot(root);
            if (ContainerCommand.Spec(c, argv, env, confine: !set.Contains("privileged"), inRoot.IsExecutableFile, inRoot.Exists,
                why => control.Send(new ExecControlMessage.Failed(why.StartsWith(named, StringComparison.Ordinal) ? why[named.Length..] : why)),
                out int failure) is not { } spec)
            {
                return failure;
            }
            UserNamespaceEntry.EnterAndExec(containerName, PidFd, ControlFd, pod.Users is not null, spec, tty); // returns only by throwing
            return ContainerCommand.SetupFailed;
        }
        catch (Exception e) when (e is PodUnitsException or IOException or UnauthorizedAccessException or ProtocolException)
        {
            control.Send(new ExecControlMessage.Failed(e.Message));
            return ContainerCommand.SetupFailed;
        }
    }

    /// <summary>An O_PATH descriptor of the container's root as this process (in the host's
    /// mount namespace) reaches it: the root of the mount namespace the command will join,
    /// found from /proc/PID/root of the container's process, which <see cref="PidFd"/> names.
    /// The pidfd is asked for the PID again once that is open: had the process ended and its
    /// PID gone to another process in between, the pidfd would no longer tell that PID, and
    /// another process's root is never taken for the container's.</summary>
    private static int OpenContainerRoot(string containerName)
    {
        int pid = LibcExtra.PidOfPidfd(PidFd) ?? throw Ended(containerName);
        string path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/root";
        int fd = LibcExtra.open(path, DirectoryFlags, 0);
        if (fd < 0 || LibcExtra.PidOfPidfd(PidFd) != pid)
        {
            LibcExtra.close(fd);
            throw Ended(containerName);
        }
        return NamespaceRoot(fd, path);
    }

    private const int DirectoryFlags = LibcExtra.O_PATH | LibcExtra.O_DIRECTORY | LibcExtra.O_CLOEXEC;

    /// <summary>
    /// The root of the mount tree <paramref name="fd"/> is in (the descriptor is taken over):
    /// where setns(CLONE_NEWNS) puts the command, and so where its PATH is searched and its
    /// terminal's devpts is. /proc/PID/root is the process's own root, which differs once the
    /// container's command chroots itself (`named -t`, unbound's chroot:, `chroot /jail app`):
    /// `enter` found neither the command nor /dev/pts there (review of the 2026-12-08
    /// container-exec change, finding 2). ".." climbs from there, one directory and one mount
    /// at a time, never above the namespace's root mount (which has no parent to climb to) nor
    /// to this process's own root (which is not in that tree): so the first ".." that stays
    /// where it was is the root.
    /// </summary>
    private static unsafe int NamespaceRoot(int fd, string path)
    {
        byte* dotDot = stackalloc byte[] { (byte)'.', (byte)'.', 0 };
        try
        {
            for (int step = 0; step < 4096; step++)
            {
                int parent = Tmds.Linux.LibC.openat(fd, dotDot, DirectoryFlags, 0);
                if (parent < 0)
                {
                    throw new NativeCallException("openat ..", Tmds.Linux.LibC.errno, path);
                }
                Tmds.Linux.stat here, above;
                if (Tmds.Linux.LibC.fstat(fd, &here) != 0 || Tmds.Linux.LibC.fstat(parent, &above) != 0)
                {
                    int errno = Tmds.Linux.LibC.errno;
                    LibcExtra.close(parent);
                    throw new NativeCallException("fstat", errno, path);
                }
                if (here.st_dev == above.st_dev && here.st_ino == above.st_ino)
                {
                    LibcExtra.close(parent);
                    int root = fd;
                    fd = -1;
                    return root;
                }
                LibcExtra.close(fd);
                fd = parent;
            }
            throw new PodUnitsException(path, "has no root within 4096 levels");
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }

    private static PodUnitsException Ended(string containerName) => new($"container {containerName}", "has ended");

    /// <summary>The verb's arguments after PLAN: C FLAGS [--env K=V]... -- ARGV...</summary>
    public static List<string> Arguments(string container, string flags, IEnumerable<string> extraEnv, IEnumerable<string> argv) =>
        [container, flags, .. extraEnv.SelectMany(e => new[] { "--env", e }), "--", .. argv];

    /// <summary>Drops from this process's bounding set every capability <paramref name="bound"/>
    /// lacks; the container's last steps then grant only what the bounding set still holds
    /// (become.c), as for the container's own process started within pod@NAME.service.</summary>
    private static void LimitBoundingSet(ulong bound)
    {
        for (int cap = 0; cap < 64; cap++)
        {
            if ((bound >> cap & 1) == 0 && LibcExtra.prctl(LibcExtra.PR_CAPBSET_READ, (ulong)cap, 0, 0, 0) == 1)
            {
                Check.Io(LibcExtra.prctl(LibcExtra.PR_CAPBSET_DROP, (ulong)cap, 0, 0, 0), "prctl PR_CAPBSET_DROP", $"capability {cap}");
            }
        }
    }

    private static bool SameName(string a, string b)
    {
        int eq = a.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 && b.StartsWith(a[..(eq + 1)], StringComparison.Ordinal);
    }
}

using PodUnits.Core.Errors;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Where the stage 1 executable is and how stage 0 hands over to it. podunits-stage1 is a
/// separate, small NativeAOT program (src/PodUnits.Stage1) holding only what runs while a pod
/// runs: the executor's supervision, the pod init and container-start. The executor execs it
/// (same PID, so systemd's main process and sd_notify stay valid), and it spawns itself as
/// the pod init, so neither long-lived process carries the YAML, validation, image-store
/// or TLS code of the CLI (docs/benchmarks.md, memory).
/// </summary>
public static class Stage1
{
    public const string FileName = "podunits-stage1";

    /// <summary>Installed by packaging/install.sh (docs/design.md's layout plus this helper).</summary>
    public const string InstalledPath = "/usr/libexec/podunits/" + FileName;

    /// <summary>
    /// How a stage 1 process starts another of its own (the pod init, a container-start, the
    /// machine's leader, an exec probe): this very binary, never the path it was started
    /// from. A package upgrade renames a new binary into that path while pods run, and a
    /// running pod would then mix versions: its old pod init handing its plan and descriptors
    /// to a new container-start at the next restart (generator review of 2026-12-06, finding
    /// 5). The kernel names such a process "exe"; Program.cs names it back.
    /// </summary>
    public const string Self = "/proc/self/exe";

    /// <summary>Started through <see cref="Self"/>, which the kernel names "exe" (comm: what ps,
    /// top, pgrep -x and the journal's _COMM show), a stage 1 process names itself back first
    /// thing, as it was named when started by its path.</summary>
    public static unsafe void RestoreName()
    {
        byte* name = stackalloc byte[16];
        int length = System.Text.Encoding.ASCII.GetBytes(FileName, new Span<byte>(name, 15));
        name[length] = 0;
        _ = Core.Native.LibcExtra.prctl(Core.Native.LibcExtra.PR_SET_NAME, (ulong)name, 0, 0, 0);
    }

    /// <summary>
    /// Whether the stage 1 process started with <paramref name="args"/> holds a pod's values
    /// and is made non-dumpable first thing (PR_SET_DUMPABLE 0: a crash writes no core dump
    /// through systemd-coredump, no other process of the same user reads its memory). The
    /// executor and the pod init hold every Secret's and ConfigMap's value for the pod's life;
    /// container-start reads the whole plan (every container's environment, every projected
    /// file) and container-exec its container's part, and both stayed dumpable until their
    /// execve, which the pod init's flag does not survive (config review of 2026-12-07,
    /// finding 3). The container's own execve sets the flag back: the container is as on
    /// Kubernetes.
    /// </summary>
    public static bool HoldsValues(IReadOnlyList<string> args) =>
        args is ["run", ..] or ["pod-init", ..] or ["container-start", ..] or ["container-exec", ..];

    /// <summary>
    /// Refuses, before anything else is read, a hand-off from a podunits of another build
    /// (<see cref="Core.Identity.BuildIdentity"/>): the executor (<c>run</c>, from stage 0's
    /// exec or `run -it`'s spawn) and <c>container-exec</c> (`enter`'s, an exec probe's) are
    /// what another executable starts. The pod init, container-start and the machine's leader
    /// are started by stage 1 itself, from <see cref="Self"/>, and need no check
    /// (upgrade review of 2026-12-07, finding 3).
    /// </summary>
    public static void EnsureSameBuild(IReadOnlyList<string> args, string? handedOver)
    {
        if (args is ["run", ..] or ["container-exec", ..])
        {
            Core.Identity.BuildIdentity.EnsureSameAs(handedOver);
        }
    }

    /// <summary>
    /// Program.cs's check: <see cref="EnsureSameBuild"/>, and for a refused <c>run</c>, what stage
    /// 0 took for the pod released first (<see cref="RefusedHandOff"/>), since the executor
    /// that would have released it never runs (merged-changes review of 2026-12-07, finding
    /// 1). container-exec took nothing.
    /// </summary>
    public static void EnsureSameBuildOrRelease(IReadOnlyList<string> args, string? handedOver)
    {
        try
        {
            EnsureSameBuild(args, handedOver);
        }
        catch (PodUnitsException) when (args is ["run", _, string claimFd, ..]
            && int.TryParse(claimFd, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int fd))
        {
            RefusedHandOff.Release(fd);
            throw;
        }
    }

    /// <summary>A child's environment: this process's, with this build's identity for stage
    /// 1 to check (<see cref="EnsureSameBuild"/>).</summary>
    public static List<string> HandOffEnvironment() =>
        [.. Spawner.CurrentEnvironment().Where(v => !v.StartsWith(Core.Identity.BuildIdentity.Variable + "=", StringComparison.Ordinal)),
            Core.Identity.BuildIdentity.Assignment];

    /// <summary>The installed helper, or the one beside this executable (a build tree's artifacts/publish).</summary>
    public static string Locate()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, FileName);
        foreach (string candidate in new[] { InstalledPath, beside })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new PodUnitsException("podunits run", $"{FileName} not found at {InstalledPath} or {beside}; the installation is incomplete (packaging/install.sh)");
    }

    /// <summary>
    /// <paramref name="path"/> as seen through a read-only, detached bind mount of its
    /// directory: the path to start stage 1 from, so that every stage 1 process (all started
    /// from <see cref="Self"/> after this one) has its executable on a mount nobody can write
    /// through. A container-start or container-exec runs this file inside the container until
    /// its last execve, and a command that is a script starting with <c>#!/proc/self/exe</c>
    /// has the kernel run it there again as the container's command: the CVE-2019-5736 class,
    /// where a process of the container opens /proc/PID/exe and rewrites the host's binary,
    /// which every later pod runs as root. Only the kernel's refusal to write an executable
    /// being run (ETXTBSY, briefly gone in Linux 6.11's development) stood in the way; runc
    /// and crun run themselves from a sealed copy for the same reason (confinement review of
    /// 2026-12-06, finding 1). A mount of the file's directory rather than a copy: no
    /// megabytes copied per start, and the executable keeps its name (the kernel names the
    /// process after the file, and /proc/PID/exe reads /podunits-stage1). The mount is never
    /// attached anywhere (nothing propagates to other namespaces, nothing to unmount) and goes
    /// away with the last process running from it; its descriptor is close-on-exec and is
    /// kept until then.
    /// </summary>
    public static string ReadOnlyView(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        int fd = Core.Native.Check.Io(Core.Native.LibcExtra.open_tree(Core.Native.LibcExtra.AT_FDCWD, directory,
            Core.Native.LibcExtra.OPEN_TREE_CLONE | Core.Native.LibcExtra.OPEN_TREE_CLOEXEC), "open_tree", directory);
        var readOnly = new Core.Native.LibcExtra.MountAttr
        {
            AttrSet = Core.Native.LibcExtra.MOUNT_ATTR_RDONLY | Core.Native.LibcExtra.MOUNT_ATTR_NOSUID | Core.Native.LibcExtra.MOUNT_ATTR_NODEV,
        };
        try
        {
            Core.Native.Check.Io(Core.Native.LibcExtra.mount_setattr(fd, "", Core.Native.LibcExtra.AT_EMPTY_PATH, readOnly), "mount_setattr", directory);
            // Above the descriptors a spawn maps to 0..5 (the plan, the claim, a control
            // socket): one of those numbers would be this one's, overwritten in the child
            // before its exec looked the path up (review of the session's own diff). Still
            // within the table's first 64, which never has to grow for it.
            int high = Core.Native.Check.Io(Core.Native.LibcExtra.fcntl(fd, Core.Native.LibcExtra.F_DUPFD_CLOEXEC, 10), "fcntl F_DUPFD_CLOEXEC", directory);
            Core.Native.LibcExtra.close(fd);
            fd = high;
        }
        catch
        {
            Core.Native.LibcExtra.close(fd);
            throw;
        }
        return $"/proc/self/fd/{fd.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{Path.GetFileName(path)}";
    }

    /// <summary>Replaces this process with <c>podunits-stage1 run PLAN CLAIM-FD</c>, run from
    /// <see cref="ReadOnlyView"/> of the file stage 0 found at its start (<see cref="Stage1Binary"/>); stage 1 inherits the pod's claim (<see cref="State.PodClaim"/>).
    /// Returns only by throwing.</summary>
    public static void Exec(Stage1Binary binary, string planPath, State.PodClaim claim)
    {
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentNullException.ThrowIfNull(claim);
        string view = binary.View(); // a replaced file fails the start here, before the exec
        claim.KeepAcrossExec();
        Spawner.Exec(view, [FileName, "run", planPath, claim.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            HandOffEnvironment());
    }

    /// <summary>
    /// `podunits run -it`: starts <c>podunits-stage1 run PLAN CLAIM-FD ATTACH-FD</c> as a child
    /// in a session of its own instead, so the pod can outlive this process when its user
    /// detaches (<see cref="Attach.TerminalHub"/>). The child gets /dev/null for stdin and
    /// stdout and this process's stderr, which it replaces at once with a pipe of its own;
    /// returns its PID and this process's end of the attach socket. The volumes' locks
    /// (<see cref="State.VolumeLocks"/>, 10 and above) keep their numbers, which the plan names.
    /// </summary>
    public static (int Pid, int Attach) Spawn(Stage1Binary binary, string planPath, State.PodClaim claim, IReadOnlyList<int> volumeLocks)
    {
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentNullException.ThrowIfNull(volumeLocks);
        ArgumentNullException.ThrowIfNull(claim);
        const int planFd = 3, claimFd = 4, attachFd = 5;
        int plan = State.PlanHandoff.FdOf(planPath) ?? throw new PodUnitsException("podunits run", "the plan was not handed over as a descriptor");
        (int mine, int theirs) = Spawner.SocketPair();
        int devNull = Core.Native.Check.Io(Core.Native.LibcExtra.open("/dev/null", Core.Native.LibcExtra.O_RDWR | Core.Native.LibcExtra.O_CLOEXEC, 0), "open", "/dev/null");
        try
        {
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            int pid = Spawner.Spawn(binary.View(),
                [FileName, "run", State.PlanHandoff.PathOf(planFd), claimFd.ToString(culture), attachFd.ToString(culture)],
                HandOffEnvironment(), [(devNull, 0), (devNull, 1), (2, 2), (plan, planFd), (claim.Fd, claimFd), (theirs, attachFd), .. volumeLocks.Select(fd => (fd, fd))],
                newSession: true);
            return (pid, mine);
        }
        catch
        {
            Core.Native.LibcExtra.close(mine);
            throw;
        }
        finally
        {
            Core.Native.LibcExtra.close(theirs);
            Core.Native.LibcExtra.close(devNull);
        }
    }
}

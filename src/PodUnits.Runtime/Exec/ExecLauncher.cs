using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Activation;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Exec;

/// <summary>What to run inside a running container, and how.</summary>
public sealed class ExecRequest
{
    /// <summary>The pod's full plan (the pod init's copy, with values): the helper gets the
    /// container's part of it alone.</summary>
    public required PodPlan Pod { get; init; }
    public required ContainerPlan Container { get; init; }
    /// <summary>Host PID of the container's process: its namespaces are joined.</summary>
    public required int ContainerPid { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    /// <summary>Variables added to (or replacing ones of) the plan's environment, e.g. TERM.</summary>
    public IReadOnlyList<string> ExtraEnv { get; init; } = [];
    /// <summary>A pseudo-terminal of the container's devpts; its master comes back in <see cref="ExecProcess.PtyMaster"/>.</summary>
    public bool Tty { get; init; }
    /// <summary>`enter --privileged`: root with every capability, no seccomp filter.</summary>
    public bool Privileged { get; init; }
    /// <summary>The capabilities the command may hold at most (a mask by capability number), for
    /// a caller whose own bounding set is wider than the pod's: `podunits enter` runs from an
    /// administrator's shell, while a container's process only ever has what pod@NAME.service's
    /// bounding set allows. Null when the caller runs within the pod's service (probes).
    /// Not applied with <see cref="Privileged"/>.</summary>
    public ulong? BoundingSet { get; init; }
    /// <summary>Descriptors of this process that become the command's 0, 1 and 2 (before a tty replaces them).</summary>
    public required (int Stdin, int Stdout, int Stderr) Stdio { get; init; }
    /// <summary>The podunits-stage1 executable (its container-exec verb does the joining).</summary>
    public required string Stage1Path { get; init; }
}

/// <summary>
/// Starts a process inside a running container (`podunits enter`, exec probes) confined as
/// the container's own process is: spawned from a thread that joined the container's
/// network, UTS and IPC namespaces, moved into the container's scope before it runs anything
/// of the container (its memory and CPU limits and its device policy apply, and a pod stop
/// kills it), then it joins the mount namespace, forks into the container's PID namespace
/// and takes the container's credentials, capabilities, no_new_privs and seccomp filter
/// (<see cref="ContainerExec"/>). The container's process is named by a pidfd, so a PID
/// reused meanwhile cannot be entered instead.
/// </summary>
public static class ExecLauncher
{
    // Not the PID namespace: the helper forks into it only once it has joined the mount
    // namespace (ContainerExec), so no process the container can see ever sees the host's root.
    private const int JoinedNamespaces = LibcExtra.CLONE_NEWNET | LibcExtra.CLONE_NEWUTS | LibcExtra.CLONE_NEWIPC;

    /// <summary>Starts the command; returns once it runs (or throws with why it could not).
    /// <paramref name="cancellationToken"/> bounds the start (an exec probe's timeoutSeconds):
    /// when it fires the helper is killed and OperationCanceledException thrown.</summary>
    public static async Task<ExecProcess> StartAsync(ExecRequest request, SystemdManager systemd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(systemd);
        string what = $"pod {request.Pod.Name}: container {request.Container.Name}";
        int pidFd = OpenContainerProcess(request);
        if (pidFd < 0)
        {
            throw new PodUnitsException(what, "is not running");
        }
        (int mine, int theirs) = Spawner.SocketPair();
        var control = new ControlChannel(mine);
        int planFd = -1;
        int pid;
        try
        {
            planFd = NarrowedPlan(request);
            pid = SpawnInNamespaces(request, pidFd, theirs, planFd);
        }
        catch
        {
            control.Dispose();
            throw;
        }
        finally
        {
            LibcExtra.close(theirs);
            LibcExtra.close(pidFd);
            if (planFd >= 0)
            {
                LibcExtra.close(planFd); // the helper has its own
            }
        }
        var process = new ExecProcess(pid, control);
        Task<string?>? handshake = null;
        try
        {
            await systemd.AttachProcessesToUnitAsync(ContainerUnits.ScopeName(request.Pod.Name, request.Container.Name), "", [(uint)pid])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            // The handshake blocks on the helper's socket until the command's execve: on a thread
            // of its own, not on the bus connection's read loop that completed the await above
            // (every other reply of the executor would wait behind it), and no longer than the
            // caller allows (an execve stuck on a dead NFS server).
            handshake = Task.Run(() => Handshake(request, control, process, what), CancellationToken.None);
            if (await handshake.WaitAsync(cancellationToken).ConfigureAwait(false) is { } why)
            {
                // The helper exits with the status a shell would give (127 not found, 126 not
                // executable), which `podunits enter` passes on as podman exec does.
                int code = process.WaitForExit();
                throw new PodUnitsException(what, why, code is ContainerCommand.NotFound or ContainerCommand.NotExecutable ? code : ExitCodes.RuntimeFailure);
            }
            return process;
        }
        catch
        {
            process.Kill();
            if (handshake is null || handshake.IsCompleted)
            {
                process.WaitForExit();
                process.Dispose();
            }
            else
            {
                // The handshake waits for the end of the helper's stream, which a copy of its
                // end kept elsewhere would hold off for ever: a container that may trace can
                // take one from the command's process before its execve (review of the
                // 2026-12-08 container-exec change, finding 4). Ended here, it returns now.
                control.Shutdown();
                // Reaped once the handshake ends: a helper in an uninterruptible execve dies only then.
                _ = handshake.ContinueWith(_ =>
                {
                    process.WaitForExit();
                    process.Dispose();
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
            throw;
        }
    }

    /// <summary>
    /// A pidfd of the container's process, or -1 when it is no longer that process. The PID
    /// was read earlier (`enter` inspected the pod, a probe was given it when the container
    /// started): a container that ended meanwhile may have left its number to any process,
    /// the host's or another pod's, whose namespaces the helper then joined and ran the command
    /// in with this container's user and capabilities (confinement review of 2026-12-07,
    /// finding 1). So the process must be in the container's scope, read after the pidfd is
    /// opened, and still the pidfd's after that read: a process not yet reaped keeps its
    /// number, so the cgroup read was its own.
    /// </summary>
    private static int OpenContainerProcess(ExecRequest request)
    {
        int pidFd = LibcExtra.pidfd_open(request.ContainerPid);
        if (pidFd < 0)
        {
            return -1;
        }
        if (NotifySocket.ProcessIsIn(request.ContainerPid, ContainerUnits.CgroupPath(request.Pod.Name, request.Container.Name))
            && LibcExtra.PidOfPidfd(pidFd) == request.ContainerPid)
        {
            return pidFd;
        }
        LibcExtra.close(pidFd);
        return -1;
    }

    /// <summary>Go, the pseudo-terminal when asked for, then the end of the stream (the
    /// command's execve closed the helper's end); returns why the command did not start, or null.</summary>
    private static string? Handshake(ExecRequest request, ControlChannel control, ExecProcess process, string what)
    {
        control.Send(new ExecControlMessage.Go());
        if (request.Tty)
        {
            ExecControlMessage? pty = Receive(control, what, out int[] fds);
            if (pty is not ExecControlMessage.Pty || fds.Length != 1)
            {
                CloseAll(fds);
                throw new PodUnitsException(what, $"{Failure(pty) ?? "no pseudo-terminal came back"} ({fds.Length} descriptors)");
            }
            process.PtyMaster = fds[0];
            // The command must start with the caller's window size (a `stty size` or a
            // full-screen program reads it at once): set it before the helper may exec.
            TerminalRelay.CopyWindowSize(fds[0]);
            control.Send(new ExecControlMessage.Sized());
        }
        ExecControlMessage? last = Receive(control, what, out int[] more);
        CloseAll(more);
        return Failure(last);
    }

    /// <summary>setns(2) with a pidfd joins several namespaces at once (Linux 5.8) and changes
    /// only the calling thread. So a dedicated thread joins and spawns, then ends, and no
    /// other work ever runs in those namespaces.</summary>
    private static int SpawnInNamespaces(ExecRequest r, int pidFd, int controlFd, int planFd)
    {
        List<string> argv = [Stage1.FileName, "container-exec", State.PlanHandoff.PathOf(ContainerExec.PlanFd),
            .. ContainerExec.Arguments(r.Container.Name, Flags(r), r.ExtraEnv, r.Argv)];
        (int, int)[] fds = [(r.Stdio.Stdin, 0), (r.Stdio.Stdout, 1), (r.Stdio.Stderr, 2), (controlFd, ContainerExec.ControlFd), (pidFd, ContainerExec.PidFd),
            (planFd, ContainerExec.PlanFd)];
        int pid = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Check.Io(LibcExtra.setns(pidFd, JoinedNamespaces), "setns", $"container {r.Container.Name}");
                // A session of its own: no controlling terminal, so /dev/tty cannot reach the caller's.
                // The build's identity, for container-exec to refuse another's: `enter` runs
                // the installed podunits-stage1, which an upgrade may have replaced (upgrade
                // review of 2026-12-07, finding 3).
                pid = Spawner.Spawn(r.Stage1Path, argv, [$"PATH={CommandResolver.DefaultPath}", Core.Identity.BuildIdentity.Assignment], fds, newSession: true);
            }
            catch (PodUnitsException e)
            {
                failure = e;
            }
        }) { Name = "exec spawn" };
        thread.Start();
        thread.Join();
        return failure is null ? pid : throw failure;
    }

    /// <summary>The plan the helper reads (at <see cref="ContainerExec.PlanFd"/>): the
    /// container's alone (<see cref="PodPlan.OnlyContainer"/>), in a sealed memfd,
    /// close-on-exec here (nothing else this process starts may inherit it). The caller closes
    /// its copy once the helper runs.</summary>
    private static int NarrowedPlan(ExecRequest r)
    {
        int fd = State.PlanHandoff.Seal("podunits-exec-plan", System.Text.Encoding.UTF8.GetBytes(r.Pod.OnlyContainer(r.Container.Name).ToJson()));
        Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD", "exec plan");
        return fd;
    }

    private static string Flags(ExecRequest r) => ContainerExec.Flags(r.Tty, r.Privileged, r.Privileged ? null : r.BoundingSet);

    private static ExecControlMessage? Receive(ControlChannel control, string what, out int[] fds)
    {
        try
        {
            return control.ReceiveExecMessage(out fds);
        }
        catch (ProtocolException e)
        {
            throw new PodUnitsException(what, e.Message);
        }
    }

    /// <summary>Why the helper gave up, or what it sent out of turn; null at end of stream.</summary>
    private static string? Failure(ExecControlMessage? message) => message switch
    {
        null => null,
        // One line without control characters: the helper's words reach the administrator's
        // terminal, and a process of the container must not be able to drive it (terminal
        // review of 2026-12-06, finding 5).
        ExecControlMessage.Failed(string why) => Core.Text.OneLine.Of(why),
        _ => $"protocol error: \"{Core.Text.OneLine.Of(message.Format())}\" out of turn",
    };

    private static void CloseAll(int[] fds)
    {
        foreach (int fd in fds)
        {
            LibcExtra.close(fd);
        }
    }
}

/// <summary>A command started by <see cref="ExecLauncher"/>: a child of this process.</summary>
public sealed class ExecProcess : IDisposable
{
    private readonly ControlChannel _control;
    /// <summary>Held while the command is reaped and while it is signalled: once reaped its
    /// PID (and its children's) may be another process's, and no signal may go there.</summary>
    private readonly Lock _reap = new();
    private int? _status;
    private Timer? _afterHangUp;

    /// <summary>How long a command may outlive a SIGHUP or SIGTERM passed on to it.</summary>
    public static readonly TimeSpan HangUpGrace = TimeSpan.FromSeconds(10);

    internal ExecProcess(int pid, ControlChannel control)
    {
        Pid = pid;
        _control = control;
    }

    public int Pid { get; }

    /// <summary>The pseudo-terminal's master when a tty was asked for; the caller closes it.</summary>
    public int? PtyMaster { get; internal set; }

    /// <summary>Signals the command, unless it has been waited for (its PID may be another's by then).</summary>
    public void Kill(int signal = LibcExtra.SIGKILL)
    {
        lock (_reap)
        {
            if (_status is not null)
            {
                return;
            }
            if (signal == LibcExtra.SIGKILL)
            {
                // The command is a child of the helper, which waits for it outside the
                // container's PID namespace (enter.c, relay) and passes other signals on, but
                // not this one; and the command's parent-death signal is only as sure as a
                // Localhost seccomp profile lets it be (enter.c skips it when refused). So the
                // command is killed by its own PID first, with its process group (it leads one:
                // enter.c's setsid, unless such a profile refused that), so that what it started
                // (the `curl` of a timed-out `sh -c 'curl ... || exit 1'`) goes with it. The
                // lock keeps the helper from being reaped meanwhile, so its own PID is its;
                // the command's is the helper's to reap, and could be freed the instant the
                // command ends (reused only after a wrap of the PID space).
                foreach (int child in ChildrenOf(Pid))
                {
                    LibcExtra.kill(-child, signal);
                    LibcExtra.kill(child, signal);
                }
            }
            LibcExtra.kill(Pid, signal);
        }
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        string children;
        try
        {
            children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (IOException)
        {
            return [];
        }
        return children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Passes these signals on to the command instead of ending this process by them
    /// (the command runs in a session of its own, so a terminal's keys do not reach it). A
    /// hang-up (the caller's session is gone) or a SIGTERM kills the command
    /// <see cref="HangUpGrace"/> later if it is still there, as podman stops a container: one
    /// that ignores them kept a root `podunits enter` running for good after its user had
    /// gone, and only SIGKILL ended it (terminal review of 2026-12-06, finding 3).</summary>
    public IDisposable ForwardSignals(params PosixSignal[] signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var registrations = signals.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            Kill(SignalNumber(signal));
            if (signal is PosixSignal.SIGHUP or PosixSignal.SIGTERM)
            {
                lock (_reap) // SIGHUP's handler and SIGTERM's run on different threads: one timer
                {
                    _afterHangUp ??= _status is null ? new Timer(_ => Kill(), null, HangUpGrace, Timeout.InfiniteTimeSpan) : null;
                }
            }
        })).ToList();
        return new Registrations(registrations);
    }

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => LibcExtra.SIGHUP,
        PosixSignal.SIGINT => LibcExtra.SIGINT,
        PosixSignal.SIGQUIT => LibcExtra.SIGQUIT,
        PosixSignal.SIGTERM => LibcExtra.SIGTERM,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not forwarded"),
    };

    private sealed class Registrations(List<PosixSignalRegistration> list) : IDisposable
    {
        public void Dispose() => list.ForEach(r => r.Dispose());
    }

    /// <summary>Waits for the command; its status as a shell reports it (128 + signal).</summary>
    public int WaitForExit()
    {
        if (_status is int done)
        {
            return done;
        }
        // Waited for without reaping, then reaped under the lock Kill takes (see _reap).
        while (LibcExtra.PeekEnded(Pid) < 0 && Tmds.Linux.LibC.errno == Tmds.Linux.LibC.EINTR)
        {
        }
        lock (_reap)
        {
            _status ??= LibcExtra.waitpid(Pid, out int status, LibcExtra.WNOHANG) == Pid ? Spawner.ExitCodeOf(status) : ContainerCommand.SetupFailed;
            return _status.Value;
        }
    }

    /// <summary>The status if the command has ended, else null (no waiting).</summary>
    public int? TryGetExit()
    {
        lock (_reap)
        {
            if (_status is null && LibcExtra.waitpid(Pid, out int status, LibcExtra.WNOHANG) == Pid)
            {
                _status = Spawner.ExitCodeOf(status);
            }
            return _status;
        }
    }

    public void Dispose()
    {
        _afterHangUp?.Dispose();
        _control.Dispose();
    }
}

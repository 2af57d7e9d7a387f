using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Core.Native;
using PodUnits.Journal;
using PodUnits.Journal.Files;
using PodUnits.Runtime.Attach;
using PodUnits.Runtime.Confinement.Lsm;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
using PodUnits.Systemd;
using PodUnits.Systemd.Machines;
using PodUnits.Systemd.Notify;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// <c>podunits run NAME|FILE</c>, the main process of pod@NAME.service: prepares the pod,
/// starts the pod init in new namespaces, registers the machine, puts each container into
/// its scope before it may exec, forwards container output to the journal, reports
/// readiness and stop to systemd, and cleans up on every way out.
/// </summary>
public sealed partial class PodExecutor : IDisposable
{
    private readonly PodPlan _plan;
    private readonly string _planPath;
    private readonly string _runtimeDir;
    private readonly Channel<SupervisionEvent> _events = Channel.CreateUnbounded<SupervisionEvent>();
    /// <summary>Scope creations under way (PodExecutor.Supervise.cs, PlaceAsync).</summary>
    private readonly List<Task> _placing = [];
    private readonly SdNotify _notify = SdNotify.Default;
    private readonly List<LogForwarder> _forwarders = [];
    private readonly Dictionary<string, LogForwarder[]> _forwardersOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    /// <summary>Containers that have exec'd their command (the pod init's "running").</summary>
    private readonly HashSet<string> _execd = new(StringComparer.Ordinal);
    /// <summary>The host PID of each container's current run, once placed: probes read it on
    /// the prober's threads. Dropped when the run ends, so that no hook or probe enters a
    /// process that reused the PID.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _hostPids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exits = new(StringComparer.Ordinal);
    private ControlChannel? _control;
    private JournalDirectory? _podJournal;
    private int _initPid;
    /// <summary>The host PID machined gets as the pod's leader: the pod init's, or for a pod
    /// with its own user namespace the pod init's leader process in it (Init/PodMachineLeader.cs).</summary>
    private readonly TaskCompletionSource<int> _leader = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The pod init's exit code, set by the control thread once it is gone.</summary>
    private int _initStatus = 1;
    /// <summary>Container output streams not yet at their end.</summary>
    private int _streamsOpen;
    private int _stopSignalled;
    /// <summary>The signal number of the stop (SIGTERM 15, SIGINT 2, SIGHUP 1, SIGQUIT 3): an interactive
    /// pod stopped by one ends 128 + it, as a command killed by it would.</summary>
    private int _stopSignal;
    /// <summary>An interactive pod's command has exited (heard on the supervision loop).</summary>
    private bool _commandEnded;
    private bool _podInitStopping; // the supervision loop's own: set and read on it only
    private Task? _unregistering;
    /// <summary>CNI DEL, started as soon as every container is gone.</summary>
    private Task? _detaching;
    /// <summary>Readying the pod's slice (PodSlice.PrepareAsync): made with the pod's limits and
    /// CPU weight, or a leftover one stopped; the first scope waits for it.</summary>
    private Task? _slicing;
    /// <summary>Stopping the pod's slice, started once every container is gone.</summary>
    private Task? _removingSlice;
    /// <summary>Cancelled when the pod ends: what watches it while it runs (EmptyDirLimits).</summary>
    private readonly CancellationTokenSource _watching = new();
    /// <summary>Cancelled by the stop signal: a CNI ADD still running then ends (its plugin
    /// killed, what it did undone) instead of holding the stop up until its timeout.</summary>
    private readonly CancellationTokenSource _stopped = new();
    /// <summary>Lifecycle messages; set once the unit's log fields are known, before supervision.</summary>
    private PodEventLog? _eventLog;

    /// <summary>`run -it`: the container's pseudo-terminal and the terminals attached to it.</summary>
    private readonly TerminalHub? _terminal;

    /// <summary>The pod's CNI network; null with hostNetwork.</summary>
    private readonly PodNetwork? _network;
    /// <summary>CNI ADD under way or done; the way out waits for it before DEL.</summary>
    private Task<CniResult?>? _attaching;
    /// <summary>The network attached and the machine registered (<see cref="RegisterMachineAsync"/>);
    /// the way out waits for it before it unregisters.</summary>
    private Task? _registering;
    /// <summary>Set on the supervision loop once <see cref="_registering"/> succeeded: containers
    /// may exec from then on.</summary>
    private bool _registered;
    /// <summary>Containers in their scopes that wait for <see cref="_registered"/> to get their "go".</summary>
    private readonly List<(string Name, int PodPid)> _goPending = [];

    private PodExecutor(PodPlan plan, string planPath, TerminalHub? terminal)
    {
        _plan = plan;
        _terminal = terminal;
        _network = PodNetwork.For(plan);
        _planPath = planPath;
        _runtimeDir = PodPaths.RuntimeDir(plan.Name);
    }

    /// <summary>
    /// Stage 1: <c>podunits-stage1 run PLAN</c>, exec'd by stage 0 (PodUnits.Planning/Stage0.cs). Runs the
    /// planned pod until it ends and releases what stage 0 took (the name, the image pins,
    /// an interactive pod's state); returns the pod's exit code.
    /// </summary>
    public static async Task<int> RunPlanAsync(string planPath, int claimFd, int attachFd = -1)
    {
        ArgumentNullException.ThrowIfNull(planPath);
        PodPlan plan = PodPlan.Read(planPath);
        PlanHandoff.KeepFromChildren(planPath);
        PodClaim.Adopt(plan.Name, claimFd); // held until this process ends
        VolumeLocks.Adopt(plan.ClaimLockFds); // so are the volumes' locks, never passed on to a child
        if (attachFd >= 0)
        {
            // dup2 into place cleared close-on-exec: without it every child of this process
            // (CNI plugins, iptables, journalctl) held the channel to the caller's CLI.
            Check.Io(LibcExtra.fcntl(attachFd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD", "the attach socket");
        }
        // As a daemon does: `podunits run -i` inherits the caller's directory, which the pod
        // would otherwise keep busy (an unmount) and which may be gone or, entered from
        // another mount namespace, unreachable, so that getcwd(3) fails in every later
        // Process.Start of a bare name (journalctl --sync at the end). The plan's paths are absolute.
        Core.Native.LibcExtra.chdir("/");
        TerminalHub? terminal = null;
        try
        {
            terminal = plan.Terminal ? TerminalHub.Create(plan.Name, attachFd) : null;
            int code;
            try
            {
                using var executor = new PodExecutor(plan, planPath, terminal);
                code = await executor.RunAsync().ConfigureAwait(false);
            }
            catch (PodUnitsException e) when (terminal is not null)
            {
                // Said here, while the attached terminals still hear stage 1's stderr.
                StageLog.Error($"podunits: {e.Message}");
                code = e.ExitCode;
            }
            terminal?.Finish(code);
            return code;
        }
        finally
        {
            if (plan.ImagePinFile is { } pins)
            {
                File.Delete(pins);
            }
            if (!plan.Interactive)
            {
                Health.ContainerStatus.KeepLast(plan.Name, plan.StateDir, StageLog.Warning);
            }
            PodState.Release(plan.Name);
            if (plan.Interactive && !plan.KeepState)
            {
                _ = PodState.DeleteAdHoc(plan.Name);
            }
            terminal?.Dispose();
        }
    }

    public void Dispose()
    {
        _watching.Dispose();
        _stopped.Dispose();
        _scopeStopWatch?.Dispose();
        _control?.Dispose();
        _podJournal?.Dispose();
        _network?.Dispose();
        DisposeHealth();
        CloseActivation();
    }

    private async Task<int> RunAsync()
    {
        _notify.Status("preparing");
        // The bus connection, the machine registration and the unit's log fields are asked
        // for while the pod init sets the pod up: each takes milliseconds of waiting.
        Task<SystemdManager> connecting = SystemdManager.ConnectAsync();
        SystemdManager? systemd = null;
        // From the first step to the end of the clean-up: a stop that came while the ports were
        // claimed, a crashed run's network released or the namespace made, or a second one
        // while the network is released, would otherwise end the executor by .NET's default
        // action, leaving the rest to gc. A hang-up (the terminal of `run -i` closed,
        // `systemctl kill -s HUP`) stops the pod gracefully too, and SIGUSR1/SIGUSR2 are
        // ignored: by their default action any of them killed the executor outright, with no
        // grace period, no preStop and the network left to gc. A handler, unlike SIG_IGN, is
        // not inherited across exec; a stop signal ignored when the executor started (`nohup
        // podunits run -i`) stays ignored, as .NET keeps it so and nohup asks. SIGQUIT too: the executor of `run -i` is the shell's
        // foreground job, and Ctrl-\ killed it by the default action, leaving the CNI
        // attachment, the state and the image pin to gc (CLI review of 2026-12-07, finding 1).
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnStopSignal);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnStopSignal);
        using var user1 = PosixSignalRegistration.Create((PosixSignal)Tmds.Linux.LibC.SIGUSR1, OnIgnoredSignal);
        using var user2 = PosixSignalRegistration.Create((PosixSignal)Tmds.Linux.LibC.SIGUSR2, OnIgnoredSignal);
        try
        {
            if (_terminal is not null)
            {
                // Spawned by `run -it` rather than exec'd: the pids file names stage 0, which
                // a detach ends, and a run counts as holding its ports by its executor's PID
                // (PodNetwork.RunHolds), also while it prepares the network (review of the
                // merged network change, 2026-12-07, finding 1 of the second round).
                PodState.WritePids(_plan.Name, Environment.ProcessId, 0);
                _terminal.InterruptBeforeStart = signal => BeginStop(signal); // Ctrl-C before the command runs (interactive review of 2026-12-07, finding 6)
            }
            OpenActivation();
            // The network is attached while the pod init starts and prepares the pod (no
            // container may run before it is: they wait for "go", sent only once supervision
            // starts below). Its namespace is made first, for the pod init to join, so that
            // CNI ADD, most of a networked pod's start, begins before the pod init's spawn.
            string? netns;
            try
            {
                // With the stop's token: releasing what a dead pod left may wait for another
                // release of it (up to a minute), which a stop, Ctrl-C or the start's timeout
                // must end at once, not be SIGKILLed in (review of the merged network change,
                // 2026-12-07, finding 1). What was not released stays for gc.
                netns = _network is null ? null : await _network.PrepareAsync(status => _notify.Status(status), _stopped.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (Stopping)
            {
                return _plan.Interactive && Volatile.Read(ref _stopSignal) is int signal and > 0 ? 128 + signal : 0;
            }
            if (AdHocScope.IsNeeded(_plan))
            {
                // Before the pod init is spawned, so that it and all it starts are in the scope.
                await AdHocScope.EnterAsync(await connecting.ConfigureAwait(false), _plan).ConfigureAwait(false);
            }
            Task<CniResult?> attaching = _attaching = AttachNetworkAsync();
            List<int> outputs = StartPodInit(_planPath, netns);
            if (Stopping)
            {
                _control?.Send(new PodControlMessage.StopPod()); // the signal came before there was a pod init to tell
            }
            systemd = await connecting.ConfigureAwait(false);
            _slicing = PodSlice.PrepareAsync(systemd, _plan);
            _scopeController = ListenForScopeStopsAsync(systemd);
            Task registering = _registering = RegisterMachineAsync(systemd, attaching);
            (string? unit, IReadOnlyList<KeyValuePair<string, string>> unitFields) = await OwnLogFieldsAsync(systemd).ConfigureAwait(false);
            NoteOwnUnit(unit);
            _eventLog = new PodEventLog(_plan, unit, unitFields);
            StartForwarders(outputs, unit, unitFields);
            _ = WatchEmptyDirsAsync(_watching.Token);
            // Supervision starts at once: the containers are placed in their scopes (a systemd
            // job each) while the network is attached and the machine registered, and only
            // their "go" waits for both (OnPlaced, OnRegistered).
            _ = ReportRegistrationAsync(registering);
            return await SuperviseAsync(systemd).ConfigureAwait(false);
        }
        finally
        {
            await CleanUpAsync(systemd).ConfigureAwait(false);
            systemd ??= connecting.IsCompletedSuccessfully ? connecting.Result : null; // the pod init failed to start
            if (systemd is not null)
            {
                await systemd.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<CniResult?> AttachNetworkAsync()
    {
        if (_network is null)
        {
            return null;
        }
        await Task.Yield(); // off the caller's path: the plugins run while the pod init starts
        return await _network.AttachAsync(WatchPlugin, _stopped.Token).ConfigureAwait(false);
    }

    /// <summary>A plugin that takes longer than this shows in the unit's status (STATUS=):
    /// a plugin waiting for a lock or a lease holds the whole start up. Normal ones take
    /// tens of milliseconds, and so cost no status update.</summary>
    private static readonly TimeSpan SlowPlugin = TimeSpan.FromSeconds(1);

    private void WatchPlugin(string plugin) =>
        _ = Task.Delay(SlowPlugin).ContinueWith(_ =>
        {
            if (ReferenceEquals(_network?.AddingPlugin, plugin))
            {
                _events.Writer.TryWrite(new SupervisionEvent.NetworkSlow());
            }
        }, TaskScheduler.Default);

    /// <summary>With a network, machined learns the pod's host-side interfaces, so
    /// `machinectl status` lists them (it reads the addresses from the pod's namespace).</summary>
    private async Task RegisterMachineAsync(SystemdManager systemd, Task<CniResult?> attaching)
    {
        var id = MachineId.Parse(_plan.MachineId);
        CniResult? network = await attaching.ConfigureAwait(false);
        RememberPodAddress(network);
        if (_plan.Users is null)
        {
            _leader.TrySetResult(_initPid);
        }
        uint leader = (uint)await _leader.Task.ConfigureAwait(false);
        try
        {
            await RegisterAsync().ConfigureAwait(false);
        }
        catch (SystemdCallException e) when (e.DBusErrorName == DBusErrors.MachineExists)
        {
            if (!await ForgetOwnStaleMachineAsync(systemd).ConfigureAwait(false))
            {
                throw;
            }
            await RegisterAsync().ConfigureAwait(false);
        }

        Task RegisterAsync() => network is null
            ? systemd.Machines.RegisterMachineAsync(_plan.Name, id, "podunits", "container", leader, "/")
            : systemd.Machines.RegisterMachineWithNetworkAsync(_plan.Name, id, "podunits", "container", leader, "/",
                PodNetwork.HostInterfaceIndexes(network));
    }

    /// <summary>
    /// After a run of this same unit was killed (SIGKILL, the OOM killer) and systemd restarts
    /// it (Restart=), machined still holds that run's machine: it drops a machine only once its
    /// unit is inactive, and a unit between restarts is not. A machine of this very unit can
    /// only be a dead run's (the unit runs once, and systemd killed the old run's processes
    /// before starting this one), so it is unregistered and this run's replaces it. A machine
    /// of any other unit is another pod's or program's, and the name conflict stands.
    /// </summary>
    private async Task<bool> ForgetOwnStaleMachineAsync(SystemdManager systemd)
    {
        string? ownUnit = OwnUnit.ServiceName();
        MachineInfo? existing = await systemd.Machines.GetMachineAsync(_plan.Name).ConfigureAwait(false);
        if (ownUnit is null || existing is null || existing.Unit != ownUnit)
        {
            return false;
        }
        StageLog.Warning($"machine {_plan.Name}: unregistering the registration left by an earlier run of {ownUnit} (leader PID {existing.Leader}, gone)");
        await systemd.Machines.UnregisterMachineAsync(_plan.Name).ConfigureAwait(false);
        return true;
    }

    /// <summary>A service of the host's own that runs the pod (`ExecStart=podunits run NAME`):
    /// noted, for `podunits logs` to find the lines journald attributes to it.</summary>
    private void NoteOwnUnit(string? unit)
    {
        if (unit is null || _plan.Interactive)
        {
            return;
        }
        try
        {
            State.PodLogUnits.Record(_plan.Name, unit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StageLog.Warning($"noting {unit} as the pod's unit: {e.Message}; 'podunits logs {_plan.Name}' will not show what it logs there");
        }
    }

    /// <summary>The executor's service and its LogExtraFields= as journald applies them (it
    /// adds them to every line forwarded from here): the fields systemd exported for journald
    /// when it started the unit, else the unit's property; none when not run by a service or
    /// systemd will not say.</summary>
    private static async Task<(string? Unit, IReadOnlyList<KeyValuePair<string, string>> Fields)> OwnLogFieldsAsync(SystemdManager systemd)
    {
        string? unit = OwnUnit.ServiceName();
        if (unit is null)
        {
            return (null, []);
        }
        if (ExportedLogFields.Read(unit) is { } exported)
        {
            return (unit, exported);
        }
        try
        {
            return (unit, await systemd.GetLogExtraFieldsAsync(unit).ConfigureAwait(false));
        }
        catch (PodUnitsException e)
        {
            Log($"reading LogExtraFields of {unit}: {e.Message}; every line will carry its own fields");
            return (unit, []);
        }
    }

    /// <summary>Spawns the pod init with its control socket and the containers' output
    /// pipes; returns the pipes' read ends, in PodInitDescriptors.StreamIndex order.</summary>
    private List<int> StartPodInit(string planPath, string? netns)
    {
        (int controlMine, int controlTheirs) = Spawner.SocketPair();
        // `run -i` (no -t) from a terminal, a file or a directory: the container reads a pipe,
        // not the caller's descriptor itself (Attach/CallerInput.cs).
        int stdin = _plan.Interactive && !_plan.Terminal ? Attach.CallerInput.ForPod() : 0;
        var fds = new List<(int, int)> { (stdin, 0), (1, 1), (2, 2), (controlTheirs, PodInitDescriptors.Control) };
        var readEnds = new List<int>();
        var writeEnds = new List<int> { controlTheirs };
        if (stdin != 0)
        {
            writeEnds.Add(stdin); // the pod's from now on
        }
        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            foreach (int stream in new[] { 0, 1 })
            {
                (int r, int w) = Spawner.Pipe();
                readEnds.Add(r);
                writeEnds.Add(w);
                if (_terminal is not null && i == 0 && stream == 0)
                {
                    // `run -it`: the terminal's output is journaled through the one container's
                    // stdout pipe, which the hub writes to (the container has the terminal instead).
                    _terminal.JournalOutputTo(Check.Io(LibcExtra.fcntl(w, LibcExtra.F_DUPFD_CLOEXEC, 0), "fcntl F_DUPFD_CLOEXEC"));
                }
                fds.Add((w, PodInitDescriptors.Output(i, stderr: stream == 1)));
            }
        }
        if (PlanHandoff.FdOf(planPath) is int planFd)
        {
            // The sealed plan, at the descriptor after the containers' pipes.
            fds.Add((planFd, PodInitDescriptors.Plan(_plan.Containers.Count)));
            planPath = PlanHandoff.PathOf(PodInitDescriptors.Plan(_plan.Containers.Count));
        }
        fds.AddRange(ListenDescriptors());
        if (_terminal is not null)
        {
            fds.Add((_terminal.TheirEnd, PodInitDescriptors.Terminal(_plan.Containers.Count)));
        }
        try
        {
            _initPid = PodLauncher.Start(_plan, planPath, netns, fds, ListenHandoff());
            _terminal?.Started();
        }
        finally
        {
            // Only the pod may hold the write ends: the pipes end when its last process does.
            foreach (int fd in writeEnds)
            {
                LibcExtra.close(fd);
            }
        }
        PodState.WritePids(_plan.Name, Environment.ProcessId, _initPid);
        _control = new ControlChannel(controlMine);
        new Thread(() =>
        {
            while (true)
            {
                PodControlMessage? message;
                int[] fds;
                try
                {
                    message = _control.ReceiveMessage(out fds);
                }
                catch (ProtocolException e)
                {
                    StageLog.Error(e.Message);
                    continue;
                }
                if (message is null)
                {
                    break;
                }
                if (message is PodControlMessage.Leader && fds.Length == 1)
                {
                    if (LibcExtra.PidOfPidfd(fds[0]) is int leader)
                    {
                        _leader.TrySetResult(leader);
                    }
                    LibcExtra.close(fds[0]);
                }
                else
                {
                    Array.ForEach(fds, fd => LibcExtra.close(fd));
                }
                _events.Writer.TryWrite(new SupervisionEvent.FromPodInit(message));
            }
            _leader.TrySetException(new PodUnitsException($"pod {_plan.Name}", "the pod init ended before its machine leader ran"));
            // Reaped here, on this thread, so the supervision loop ends with the status in hand.
            if (LibcExtra.waitpid(_initPid, out int status, 0) == _initPid)
            {
                _initStatus = Spawner.ExitCodeOf(status);
            }
            _events.Writer.TryComplete();
        }) { IsBackground = true, Name = "control" }.Start();
        return readEnds;
    }

    /// <summary>One forwarder per container stream; nothing is lost before they start (the
    /// lines wait in the pipes).</summary>
    private void StartForwarders(List<int> outputs, string? unit, IReadOnlyList<KeyValuePair<string, string>> unitFields)
    {
        _podJournal = OpenPodJournal();
        var routes = new LogRoutes(_plan.Name, _plan.MachineId, unit, unitFields, _podJournal, PodJournalFields());
        if (routes.StaleUnitFields(_plan.Containers) is { } stale)
        {
            StageLog.Warning(stale);
        }
        _streamsOpen = 2 * _plan.Containers.Count;
        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            ContainerPlan container = _plan.Containers[i];
            for (int stream = 0; stream < 2; stream++)
            {
                // `run -i` without -t: the executor is the caller's process; its stdout and
                // stderr are the caller's, which get the container's output as it comes.
                CallerOutput? caller = _plan.Interactive && !_plan.Terminal ? new CallerOutput(stream == 1 ? 2 : 1) : null;
                var forwarder = new LogForwarder(outputs[PodInitDescriptors.StreamIndex(i, stderr: stream == 1)], $"{container.Name} {(stream == 1 ? "stderr" : "stdout")}",
                    routes.TargetsFor(container, stderr: stream == 1), OnStreamEnded, caller);
                forwarder.Start();
                _forwarders.Add(forwarder);
                _forwardersOf[container.Name] = [.. _forwardersOf.GetValueOrDefault(container.Name, []), forwarder];
            }
        }
    }

    private static void OnIgnoredSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Log($"ignoring {((int)context.Signal == Tmds.Linux.LibC.SIGUSR1 ? "SIGUSR1" : "SIGUSR2")}: SIGTERM, SIGINT, SIGHUP and SIGQUIT stop the pod");
    }

    /// <summary>Set once a stop signal came: no READY, no STATUS updates, no more probing.</summary>
    private bool Stopping => Volatile.Read(ref _stopSignalled) != 0;

    /// <summary>The pod stops, whoever began it (the pod init said "stopping"; <see cref="Stopping"/>
    /// is the executor's own stop): no container is killed or restarts any more.</summary>
    private bool PodStopping => Stopping || _podInitStopping;

    /// <summary>systemctl stop, machinectl terminate: the containers get their SIGTERM from
    /// here at once, not after a trip through the supervision loop (stop latency).</summary>
    private void OnStopSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (context.Signal is PosixSignal.SIGINT or PosixSignal.SIGQUIT && ForwardInterrupt(context.Signal))
        {
            return;
        }
        BeginStop(StopSignalNumber(context.Signal));
    }

    /// <summary>Stops the pod gracefully, as <paramref name="signal"/> to the executor asks (a
    /// signal, or systemd's RequestStop for a container's scope: PodExecutor.ScopeStop.cs);
    /// false when a stop had begun already. Called on any thread.</summary>
    private bool BeginStop(int signal)
    {
        if (Interlocked.Exchange(ref _stopSignalled, 1) != 0)
        {
            return false;
        }
        if (!Volatile.Read(ref _commandEnded))
        {
            // Only a stop that came before the command's end is its end: a Ctrl-C during the
            // clean-up after a command that exited 0 must not make `run -i` fail.
            Volatile.Write(ref _stopSignal, signal);
        }
        _control?.Send(new PodControlMessage.StopPod());
        _ = _stopped.CancelAsync(); // its callbacks (a plugin's kill) off this handler's thread
        // The kubelet stops probing a pod being deleted: no result would count now, and an
        // exec probe is two processes in a container that is shutting down.
        _prober?.Cancel(null);
        if (Volatile.Read(ref _readySent) || (_statuses is null && _network?.AddingPlugin is null))
        {
            _notify.Stopping("stopping");
            return true;
        }
        // Stopped while the start waited, by a start timeout as often as by hand: the line
        // the unit keeps says what the start was waiting for, not only "stopping" (tour H #5).
        string waiting = $"{StoppingBeforeReady}, waiting for {WaitingFor()}";
        Log(waiting);
        _notify.Stopping(waiting);
        FailedStarts.RecordFailure(waiting);
        return true;
    }

    /// <summary>The number of a stop signal, for an interactive pod's 128 + it.</summary>
    internal static int StopSignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => Tmds.Linux.LibC.SIGINT,
        PosixSignal.SIGHUP => Tmds.Linux.LibC.SIGHUP,
        PosixSignal.SIGQUIT => Tmds.Linux.LibC.SIGQUIT,
        _ => Tmds.Linux.LibC.SIGTERM,
    };

    /// <summary>
    /// `run -i`: Ctrl-C and Ctrl-\ (the terminal's SIGINT and SIGQUIT to the caller, whose
    /// process this is) go to the container's command, as podman's --sig-proxy sends them,
    /// rather than stopping the pod: the command decides (a shell's trap, a REPL that goes on),
    /// and one they kill ends with 130 or 131, which the caller's shell sees (`run -i ... &&
    /// deploy` does not go on). False when there is no command to send it to yet (then the pod
    /// stops, and ends 128 + the signal all the same).
    /// </summary>
    private bool ForwardInterrupt(PosixSignal signal)
    {
        if (!_plan.Interactive || Stopping || _plan.Containers.Count != 1
            || !_hostPids.TryGetValue(_plan.Containers[0].Name, out int pid))
        {
            return false;
        }
        return Tmds.Linux.LibC.kill(pid, StopSignalNumber(signal)) == 0;
    }

    /// <summary>How STATUS= begins when a stop came before READY (`podunits status` keeps
    /// it after the unit failed, and reads a timeout with it as the start's).</summary>
    public const string StoppingBeforeReady = "stopping before it was ready";
}

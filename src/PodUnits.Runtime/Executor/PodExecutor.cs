using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Definitions;
using PodUnits.Images.Store;
using PodUnits.Journal;
using PodUnits.Runtime.Confinement.Lsm;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
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
    private readonly SdNotify _notify = SdNotify.Default;
    private readonly List<LogForwarder> _forwarders = [];
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    /// <summary>Containers that have exec'd their command (the pod init's "running").</summary>
    private readonly HashSet<string> _execd = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _hostPids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exits = new(StringComparer.Ordinal);
    private ControlChannel? _control;
    private readonly PodStreamHandoff _podStreams = new();
    private int _initPid;
    /// <summary>The host PID machined gets as the pod's leader: the pod init's, or for a pod
    /// with its own user namespace the pod init's leader process in it (Init/PodMachineLeader.cs).</summary>
    private readonly TaskCompletionSource<int> _leader = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The pod init's exit code, set by the control thread once it is gone.</summary>
    private int _initStatus = 1;
    /// <summary>Container output streams not yet at their end.</summary>
    private int _streamsOpen;
    private int _stopSignalled;
    private Task? _unregistering;
    /// <summary>CNI DEL, started as soon as every container is gone.</summary>
    private Task? _detaching;
    /// <summary>Creating the pod's slice with its pod-level limits (PodSlice), when it has any;
    /// the first scope waits for it.</summary>
    private Task? _slicing;
    /// <summary>Stopping the pod's slice, started once every container is gone.</summary>
    private Task? _removingSlice;
    /// <summary>Cancelled when the pod ends: what watches it while it runs (EmptyDirLimits).</summary>
    private readonly CancellationTokenSource _watching = new();
    /// <summary>Lifecycle messages; set once the unit's log fields are known, before supervision.</summary>
    private PodEventLog? _eventLog;

    /// <summary>The pod's CNI network; null with hostNetwork.</summary>
    private readonly PodNetwork? _network;

    private PodExecutor(PodPlan plan, string planPath)
    {
        _plan = plan;
        _network = PodNetwork.For(plan);
        _planPath = planPath;
        _runtimeDir = PodPaths.RuntimeDir(plan.Name);
    }

    /// <summary>Runs the pod named <paramref name="nameOrFile"/> (a definition in the search
    /// path, or a file) until it ends; returns the pod's exit code.</summary>
    public static async Task<int> RunAsync(string nameOrFile)
    {
        ArgumentNullException.ThrowIfNull(nameOrFile);
        string path = nameOrFile.Contains('/', StringComparison.Ordinal) || nameOrFile.EndsWith(".yaml", StringComparison.Ordinal)
            ? nameOrFile
            : PodDefinitionSearchPath.Default.Find(nameOrFile)
                ?? throw new BadInputException($"pod {nameOrFile}", $"no definition {nameOrFile}.yaml in {PodPaths.DefinitionDirsText}");
        if (!File.Exists(path))
        {
            throw new BadInputException(path, "no such file");
        }
        // The validator guards the door: an invalid definition fails here with its
        // file:line:column messages (exit 2) before anything is started.
        // `podunits run FILE` runs any file: outside the search path the pod is named by
        // metadata.name (a warning says how to install it); by NAME, the file name rules.
        var options = LoadOptions.Default with { NameMismatchIsWarning = !PodDefinitionSearchPath.Default.Contains(path) };
        LoadResult loaded = PodDefinitionLoader.LoadFile(path, options);
        foreach (Diagnostic warning in loaded.Warnings)
        {
            Console.Error.WriteLine(warning.ToString());
        }
        PodDefinition pod = loaded.GetPodOrThrow();
        return await RunPodAsync(pod, interactive: false).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>podunits run --interactive IMAGE -- CMD...</c>: an ad-hoc pod of one container whose
    /// stdin/stdout/stderr are this process's (the terminal), like rkt run --interactive. It is
    /// registered and scoped like any pod; its state is removed when it ends. The image is
    /// pulled only when the store lacks it (podman run's default, "missing").
    /// </summary>
    public static async Task<int> RunInteractiveAsync(string image, IReadOnlyList<string> command, InteractiveNetwork? network = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(command);
        network ??= InteractiveNetwork.Default;
        string name = $"interactive-{Environment.ProcessId}";
        var pod = new PodDefinition
        {
            Name = name,
            SourcePath = "(podunits run --interactive)",
            TerminationGracePeriodSeconds = 2,
            RestartPolicy = RestartPolicy.Never,
            HostNetwork = network.HostNetwork,
            Network = network.Network is { } named ? new NetworkChoice(named, 0, 0) : null,
            Containers =
            [
                new ContainerDefinition
                {
                    Name = "main", Image = image, ImagePullPolicy = ImagePullPolicy.IfNotPresent,
                    Command = command.Count > 0 ? command : null,
                    Ports = network.Ports,
                },
            ],
        };
        return await RunPodAsync(pod, interactive: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Stage 0 (rkt's word): claims the pod's name, pins and resolves its images and writes
    /// the plan, then execs the small stage 1 executable (<see cref="Stage1"/>) to run it in
    /// this same process (systemd's main PID). What runs while the pod runs is only that
    /// executable: none of the definition, validation or image code stays in memory. On any
    /// failure before the exec, the claim and the pins are released here.
    /// </summary>
    /// <summary>The pod's range from the pool /etc/podunits/podunits.yaml sets.</summary>
    private static IdMapping UsersFromHostPool(string pod)
    {
        Definitions.Host.UserNamespacePool pool = Definitions.Host.HostSettings.Load().UserNamespacePool;
        return UserNamespaceRanges.Acquire(pod, pool.First, pool.Size);
    }

    private static async Task<int> RunPodAsync(PodDefinition pod, bool interactive)
    {
        string stage1 = Stage1.Locate();
        PodClaim claim = PodState.Claim(pod.Name); // a busy name fails here, before anything of the running pod is touched
        ImageStore store = ImageStore.Open();
        bool pinned = false;
        try
        {
            // Pinned first, so `image rm` and `gc` cannot take an image between its
            // resolution and the pod's end; resolving adds each manifest digest to the pin.
            PodImages.Write(store.Root, pod.Name, ContainerImages.StoreReferences(pod));
            pinned = true;
            // A long pull extends the start timeout while it makes progress (EXTEND_TIMEOUT_USEC=).
            var extender = new StartTimeoutExtender(SdNotify.Default);
            Dictionary<string, ContainerImage> images = await ContainerImages.ResolveAsync(pod, store, text => SdNotify.Default.Status(text),
                extender.Progressed).ConfigureAwait(false);
            PodPlan plan = PlanBuilder.Build(pod, PodState.MachineIdOf(pod.Name), images, interactive);
            UserNamespacePlanner.Apply(plan, pod, UsersFromHostPool);
            SeccompPlanner.Compile(plan);
            LsmPlanner.Apply(plan, pod, HostLsm.Detect(), AppArmorDefaultProfile.IsLoaded, warning => Console.Error.WriteLine(warning));
            if (plan.Containers.Any(c => c.AppArmorProfile == AppArmorDefaultProfile.Name))
            {
                AppArmorDefaultProfile.EnsureLoaded(AppArmorDefaultProfile.IsLoaded);
            }
            plan.Network = NetworkPlanner.Plan(pod, plan.MachineId, NetworkConfigs.DefaultDirs, CniRuntime.Default);
            if (plan.Network is not null)
            {
                plan.ResolvConf ??= HostDns.ForPodNetwork();
            }
            plan.ImageStoreRoot = store.Root;
            PodState.Prepare(plan, plan.Redacted().ToJson()); // the host's copy: no values
            Stage1.Exec(stage1, PlanHandoff.Seal(plan.ToJson()), claim); // returns only by throwing
            throw new InvalidOperationException("execve returned");
        }
        catch
        {
            if (pinned)
            {
                PodImages.Delete(store.Root, pod.Name);
            }
            PodState.Release(pod.Name);
            if (interactive)
            {
                DeleteStateDir(pod.Name);
            }
            throw;
        }
    }

    /// <summary>
    /// Stage 1: <c>podunits-stage1 run PLAN</c>, exec'd by <see cref="RunPodAsync"/>. Runs the
    /// planned pod until it ends and releases what stage 0 took (the name, the image pins,
    /// an interactive pod's state); returns the pod's exit code.
    /// </summary>
    public static async Task<int> RunPlanAsync(string planPath, int claimFd)
    {
        ArgumentNullException.ThrowIfNull(planPath);
        PodPlan plan = PodPlan.Read(planPath);
        PlanHandoff.KeepFromChildren(planPath);
        PodClaim.Adopt(plan.Name, claimFd); // held until this process ends
        try
        {
            using var executor = new PodExecutor(plan, planPath);
            return await executor.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            if (plan.ImageStoreRoot is { } root)
            {
                PodImages.Delete(root, plan.Name);
            }
            PodState.Release(plan.Name);
            if (plan.Interactive)
            {
                DeleteStateDir(plan.Name);
            }
        }
    }

    /// <summary>An interactive pod's state goes with it (its name is never reused), its lock
    /// file too: this process holds the lock, which makes removing it safe (PodClaim).</summary>
    private static void DeleteStateDir(string name)
    {
        File.Delete(PodClaim.LockPath(name));
        string stateDir = PodPaths.StateDir(name);
        if (Directory.Exists(stateDir))
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    public void Dispose()
    {
        _watching.Dispose();
        _control?.Dispose();
        _podStreams.Dispose();
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
        bool registered = false;
        try
        {
            OpenActivation();
            List<int> outputs = StartPodInit(_planPath);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);
            // The network is attached while the pod init prepares the pod (no container may
            // run before it is: they wait for "go", sent only once supervision starts below).
            Task<CniResult?> attaching = AttachNetworkAsync();
            systemd = await connecting.ConfigureAwait(false);
            _slicing = PodSlice.HasLimits(_plan) ? PodSlice.CreateAsync(systemd, _plan) : null;
            Task registering = RegisterMachineAsync(systemd, attaching);
            (string? unit, IReadOnlyList<KeyValuePair<string, string>> unitFields) = await OwnLogFieldsAsync(systemd).ConfigureAwait(false);
            _eventLog = new PodEventLog(_plan, unit, unitFields);
            StartForwarders(outputs, unit, unitFields);
            _ = WatchEmptyDirsAsync(_watching.Token);
            try
            {
                await registering.ConfigureAwait(false);
                registered = true;
            }
            catch (PodUnitsException) when (PodInitGone())
            {
                // The pod init failed its setup (a sysctl the kernel refused, a mount) before
                // machined could look at it. Its own reason, which supervision reads next, says
                // why the pod failed; machined's "no such process" would not.
            }
            return await SuperviseAsync(systemd).ConfigureAwait(false);
        }
        finally
        {
            await CleanUpAsync(systemd, registered).ConfigureAwait(false);
            systemd ??= connecting.IsCompletedSuccessfully ? connecting.Result : null; // the pod init failed to start
            if (systemd is not null)
            {
                await systemd.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the pod init has exited (a zombie, or already reaped).</summary>
    private bool PodInitGone()
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{_initPid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<CniResult?> AttachNetworkAsync()
    {
        if (_network is null)
        {
            return null;
        }
        await Task.Yield(); // off the caller's path: the plugins run while the bus connects
        return await _network.AttachAsync(_initPid).ConfigureAwait(false);
    }

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
        if (network is null)
        {
            await systemd.Machines.RegisterMachineAsync(_plan.Name, id, "podunits", "container", leader, "/").ConfigureAwait(false);
            return;
        }
        await systemd.Machines.RegisterMachineWithNetworkAsync(_plan.Name, id, "podunits", "container", leader, "/",
            PodNetwork.HostInterfaceIndexes(network)).ConfigureAwait(false);
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
    private List<int> StartPodInit(string planPath)
    {
        (int controlMine, int controlTheirs) = Spawner.SocketPair();
        var fds = new List<(int, int)> { (0, 0), (1, 1), (2, 2), (controlTheirs, PodInitDescriptors.Control) };
        var readEnds = new List<int>();
        var writeEnds = new List<int> { controlTheirs };
        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            foreach (int stream in new[] { 0, 1 })
            {
                (int r, int w) = Spawner.Pipe();
                readEnds.Add(r);
                writeEnds.Add(w);
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
        try
        {
            _initPid = PodLauncher.Start(_plan, planPath, fds, ListenHandoff());
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
                    Log(e.Message);
                    continue;
                }
                if (message is null)
                {
                    break;
                }
                if (message is PodControlMessage.JournalStreams(string mask))
                {
                    _podStreams.Accept(mask, fds);
                }
                else if (message is PodControlMessage.Leader && fds.Length == 1)
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
            _podStreams.Abandon(); // the pod init is gone: no forwarder may wait for streams
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
        var routes = new LogRoutes(_plan.Name, _plan.MachineId, unit, unitFields, _podStreams);
        _streamsOpen = 2 * _plan.Containers.Count;
        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            ContainerPlan container = _plan.Containers[i];
            for (int stream = 0; stream < 2; stream++)
            {
                var forwarder = new LogForwarder(outputs[PodInitDescriptors.StreamIndex(i, stderr: stream == 1)], $"{container.Name} {(stream == 1 ? "stderr" : "stdout")}",
                    routes.TargetsFor(container, i, stderr: stream == 1), OnStreamEnded);
                forwarder.Start();
                _forwarders.Add(forwarder);
            }
        }
    }

    /// <summary>Set once a stop signal came: no READY, no STATUS updates, no more probing.</summary>
    private bool Stopping => Volatile.Read(ref _stopSignalled) != 0;

    /// <summary>systemctl stop, machinectl terminate: the containers get their SIGTERM from
    /// here at once, not after a trip through the supervision loop (stop latency).</summary>
    private void OnStopSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Exchange(ref _stopSignalled, 1) != 0)
        {
            return;
        }
        _control?.Send(new PodControlMessage.StopPod());
        _notify.Stopping("stopping");
    }
}

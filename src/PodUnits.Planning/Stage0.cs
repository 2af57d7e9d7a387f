using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Core.Naming;
using PodUnits.Core.Native;
using PodUnits.Definitions;
using PodUnits.Definitions.Host;
using PodUnits.Images.Store;
using PodUnits.Logging;
using PodUnits.Planning.AdHoc;
using PodUnits.Planning.Configuration;
using PodUnits.Planning.Confinement;
using PodUnits.Planning.Network;
using PodUnits.Planning.Plan;
using PodUnits.Planning.State;
using PodUnits.Runtime.Activation;
using PodUnits.Runtime.Attach;
using PodUnits.Runtime.Confinement.Lsm;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Notify;

namespace PodUnits.Planning;

/// <summary>
/// <c>podunits run NAME|FILE</c> up to the exec of stage 1, in the main process of
/// pod@NAME.service: loads and validates the definition, claims the pod's name, pins and
/// resolves its images, builds the plan and execs <c>podunits-stage1 run</c> (the executor,
/// Runtime/Executor/PodExecutor.cs) in this same process. This project is everything
/// stage 1 does not need: PodUnits.Stage1 does not reference it (docs/process-model.md).
/// </summary>
public static class Stage0
{
    /// <summary>Whether `podunits run WORD` names a pod rather than a file: a word with a '/'
    /// or a definition's extension is a file (`podunits run web.yml` was looked up as the pod
    /// "web.yml": CLI review of 2026-12-06, finding 5).</summary>
    internal static bool IsPodName(string word) =>
        !word.Contains('/', StringComparison.Ordinal)
        && !PodDefinitionSearchPath.Extensions.Any(ext => word.EndsWith(ext, StringComparison.Ordinal));

    /// <summary>Runs the pod named <paramref name="nameOrFile"/> (a definition in the search
    /// path, or a file) until it ends; returns the pod's exit code.</summary>
    public static async Task<int> RunAsync(string nameOrFile)
    {
        ArgumentNullException.ThrowIfNull(nameOrFile);
        ListenFds? sockets = ListenFds.Guard(); // until the exec: no helper of stage 0 gets systemd's sockets
        // The stage 1 file as it is now, before the back-off's and a pull's minutes: an
        // upgrade meanwhile fails the start instead of handing this version's plan to the
        // next's stage 1 (packaging review of 2026-12-07, finding 3; located after the back-off
        // at first: review of the merged changes, finding 2).
        Stage1Binary stage1 = Stage1Binary.Locate();
        bool byName = IsPodName(nameOrFile);
        string path = !byName
            ? nameOrFile
            : PodDefinitionSearchPath.Default.Find(nameOrFile)
                ?? throw new BadInputException($"pod {nameOrFile}", $"no definition {nameOrFile}.yaml in {PodDefinitionSearchPath.DefaultRootsText}");
        if (!File.Exists(path))
        {
            throw new BadInputException(path, "no such file");
        }
        // Before the definition is read: a start after a back-off reads the newest one.
        if (byName && ResourceNames.Explain(nameOrFile) is null && !await StartBackOff.WaitAsync(nameOrFile).ConfigureAwait(false))
        {
            return 0;
        }
        // The validator guards the door: an invalid definition fails here with its
        // file:line:column messages (exit 2) before anything is started.
        // `podunits run FILE` runs any file: outside the search path the pod is named by
        // metadata.name (a warning says how to install it); by NAME, the file name rules.
        var options = LoadOptions.Default with { NameMismatchIsWarning = !PodDefinitionSearchPath.Default.Contains(path) };
        // Hashed before it is parsed: should the file change in between, the hash is the older
        // content's and the next `podunits refresh` restarts the pod once more, never less.
        string? sha256 = options.NameMismatchIsWarning ? null : PodDefinitionSearchPath.HashOf(path);
        LoadResult loaded = PodDefinitionLoader.LoadFile(path, options);
        foreach (string warning in loaded.WarningLines)
        {
            PodLog.Warning(warning, new(Pod: loaded.Pod?.Name));
        }
        PodDefinition pod;
        try
        {
            pod = loaded.GetPodOrThrow();
        }
        catch (PodDefinitionException e) when (e.OnlyMissingReferences)
        {
            // A Secret a boot service writes, a ConfigMap created after `enable --now`: the
            // start fails until it exists, retried by Restart= and the back-off as the kubelet
            // retries CreateContainerConfigError. Exit 2 (bad input) stopped such a pod for good
            // (review of the docs, 2026-12-07, finding 2).
            // Said only where it is so: pod@NAME.service restarts unless restartPolicy is Never
            // (review of the merged changes, 2026-12-07, finding 4).
            bool retried = byName && Core.Identity.OwnUnit.ServiceName() == PodUnitNames.Service(nameOrFile)
                && PodDefinitionLoader.LoadFile(path, options with { MissingObjectsAreWarnings = true }).Pod is { RestartPolicy: not RestartPolicy.Never };
            throw new PodUnitsException(e.What, e.Why + (retried ? " (the start is retried while it is missing)" : ""), ExitCodes.RuntimeFailure, e);
        }
        // Said before any pull and as the definition's fault (exit 2, which Restart= and the
        // back-off do not retry): found in stage 1, it failed every start after the pulls with
        // exit 1, retried for ever (activation review of 2026-12-06, finding 5).
        if (sockets is not null && pod.Activation.ListenContainer is null && pod.Containers.Count > 1)
        {
            throw new BadInputException($"pod {pod.Name}",
                $"systemd passed {Core.Text.Counted.Of(sockets.Count, "socket")} but the pod has {pod.Containers.Count} containers; " +
                "name the one that gets them with the annotation podunits.io/listen-container");
        }
        bool asOwnUnit = byName && Core.Identity.OwnUnit.ServiceName() == PodUnitNames.Service(pod.Name);
        if (asOwnUnit && Generator.GeneratedSettings.Staleness(pod, path) is { } stale)
        {
            PodLog.Warning($"pod {pod.Name}: {stale}", new(Pod: pod.Name));
        }
        // What the generator makes of this definition, saved for the run: should the definition
        // stop loading while the pod runs, the generator writes these again rather than leave
        // the running unit bare (upgrade review of 2026-12-07, finding 1). Only in the pod's
        // own unit: a run by hand is not the one pod@NAME.service's settings are for.
        Generator.PodUnitSettings? unitSettings = asOwnUnit ? Generator.PodUnitSettingsMapper.Map(pod, path, Core.Identity.PodIdentity.ReadHostMachineId()) : null;
        return await RunPodAsync(stage1, pod, interactive: false, source: sha256 is null ? null : (Path.GetFullPath(path), sha256), unitSettings: unitSettings).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>podunits run -i [-t] IMAGE [-- CMD...]</c>: an ad-hoc pod of one container
    /// (<see cref="AdHocOptions"/>) whose stdin/stdout/stderr are this process's, or with -t a
    /// pseudo-terminal of its own relayed to this process's terminal, like rkt run
    /// --interactive and podman run -it. It is registered and scoped like any pod; its state is
    /// removed when it ends. The image is pulled only when the store lacks it, unless --pull says otherwise.
    /// </summary>
    public static async Task<int> RunAdHocAsync(AdHocOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ListenFds.Guard(); // a service of one's own may run `podunits run -i` with sockets too
        Stage1Binary stage1 = Stage1Binary.Locate(); // before an archive's import or a pull (RunAsync says why)
        string name = options.Name ?? AdHocOptions.GenerateName();
        // The pod's state directory would be the defined pod's (its writable layers and
        // volumes), mixed with another image's and removed when the ad-hoc pod ends.
        if (ResourceNames.Explain(name) is null && PodDefinitionSearchPath.Default.Find(name) is { } defined)
        {
            throw new BadInputException("--name", $"{name} is the name of the pod defined in {defined}; an ad-hoc pod needs a name of its own "
                + $"('podunits run {name}' runs that definition)");
        }
        DetachKeys? detachKeys = options.Terminal ? DetachKeys.Parse(options.DetachKeys) : null; // a typo fails before the pull
        // As podman's -v: a path missing on the host is a mistake, said before anything starts
        // (the container's setup would fail on it with a system call's error and exit 125).
        if (options.VolumeHostPaths().FirstOrDefault(host => !Path.Exists(host)) is { } missing)
        {
            throw new BadInputException("--volume", $"{missing} does not exist on the host");
        }
        options.Validate(name);
        options = await AdHocImages.PrepareAsync(options, ImageStore.Open(), name).ConfigureAwait(false);
        PodDefinition pod = options.Definition(name);
        if (options.Keep && options.Env.Count > 0)
        {
            PodLog.Warning($"pod {name}: --keep keeps the pod's definition on disk without the values of --env and --env-file; 'podunits export {name}' shows their names only",
                new(Pod: name));
        }
        return await RunPodAsync(stage1, pod, interactive: true, terminal: detachKeys, definition: options.ToYaml(name),
            keptDefinition: options.Keep ? options.ToYaml(name, values: false) : null).ConfigureAwait(false);
    }

    /// <summary>
    /// An ad-hoc pod's state directory (its writable layers, volumes and, without a
    /// persistent journal, its journal) is removed when it ends. So an ad-hoc run may not take
    /// a name whose directory is a defined pod's: one run from a file, or whose definition was
    /// moved away, kept its containers' last statuses and journal there (interactive review
    /// 6). Ad-hoc runs mark theirs; a defined pod's run removes the mark. Past the refusals,
    /// the start is accepted, and the last run's statuses go.
    /// </summary>
    private static void ClaimStateDirectory(string name, bool interactive)
    {
        string dir = PodPaths.StateDir(name), marker = PodState.AdHocMarkerPath(name);
        if (!interactive)
        {
            if (File.Exists(marker))
            {
                File.Delete(marker); // a crashed ad-hoc pod's, or gone with the state since
            }
        }
        else if (Directory.Exists(dir) && !File.Exists(marker))
        {
            PodState.Release(name);
            throw new BadInputException("--name", $"{name} is the name of a pod run from a definition, whose state is in {dir}; an ad-hoc pod needs a name of its own");
        }
        else
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(marker, "");
        }
        PodState.ForgetLastRun(name);
    }

    /// <summary>dnsConfig beside dnsPolicy Default or ClusterFirst adds to the resolv.conf
    /// that policy gives (the host's, as the pod's network can reach it), as the kubelet does.</summary>
    private static void MergeDnsConfig(PodPlan plan, PodDefinition pod)
    {
        if (pod.DnsPolicy == DnsPolicy.None || pod.DnsConfig is not { } config || pod.ImageResolvConf)
        {
            return;
        }
        string hostFile = plan.ResolvConf ?? (File.Exists(HostDns.HostResolvConf) ? File.ReadAllText(HostDns.HostResolvConf) : "");
        (plan.ResolvConf, string? warning) = DnsConfigMerge.Merge(hostFile, config);
        if (warning is not null)
        {
            PodLog.Warning(warning, new(Pod: pod.Name));
        }
    }

    /// <summary>A hostNetwork pod's ports on the host: each containerPort, at its hostPort
    /// (which Kubernetes defaults to the containerPort there, and requires to equal it).</summary>
    private static List<PortMappingPlan> HostNetworkPorts(PodDefinition pod) =>
        [.. pod.AllContainers.SelectMany(c => c.Ports).Select(p => new PortMappingPlan
        {
            HostPort = p.HostPort ?? p.Number,
            ContainerPort = p.Number,
            Protocol = p.Protocol.ToString().ToLowerInvariant(),
            HostIP = p.HostIP ?? "",
        })];

    /// <summary>The pod's range from the pool /etc/podunits/podunits.yaml sets (as read when
    /// the definition was loaded).</summary>
    private static IdMapping UsersFromHostPool(PodDefinition pod)
    {
        UserNamespacePool pool = pod.HostSettings.UserNamespacePool;
        IdMapping range = UserNamespaceRanges.Acquire(pod.Name, pool.First, pool.Size);
        foreach (string warning in SubordinateOverlaps.OfRunningPods(except: pod.Name))
        {
            PodLog.Warning(warning);
        }
        return range;
    }

    /// <summary>
    /// Stage 0 (rkt's word): claims the pod's name, pins and resolves its images and writes
    /// the plan, then execs the small stage 1 executable (<see cref="Stage1"/>) to run it in
    /// this same process (systemd's main PID). What runs while the pod runs is only that
    /// executable: none of the definition, validation or image code stays in memory. On any
    /// failure before the exec, the claim and the pins are released here.
    /// </summary>
    /// <param name="terminal">`run -it`: the pod's executor is spawned rather than exec'd, and
    /// this process stays attached to its terminal until the pod ends or these keys detach it.</param>
    private static async Task<int> RunPodAsync(Stage1Binary stage1, PodDefinition pod, bool interactive, DetachKeys? terminal = null, string? definition = null, string? keptDefinition = null,
        (string File, string Sha256)? source = null, Generator.PodUnitSettings? unitSettings = null)
    {
        PodClaim claim = PodState.Claim(pod.Name); // a busy name fails here, before anything of the running pod is touched
        if (!interactive && PodState.TakenOverByDefinedPod(PodPaths.StateDir(pod.Name)))
        {
            // A definition's pod took this state over before such starts were refused: it is
            // that pod's (its layer was started afresh then), and only the stale ad-hoc
            // definition goes; refused, the pod never started again after an upgrade (review
            // of the merged changes, 2026-12-07, finding 1).
            File.Delete(PodState.KeptAdHocDefinitionPath(pod.Name));
            PodLog.Warning($"pod {pod.Name}: removed {PodState.KeptAdHocDefinitionPath(pod.Name)}, left by an ad-hoc pod whose state this pod took over", new(Pod: pod.Name));
        }
        if (File.Exists(PodState.KeptAdHocDefinitionPath(pod.Name)))
        {
            // Its writable layer and volumes would be started afresh, and without --keep removed.
            // A definition's start too: it wiped them without a word and kept adhoc.yaml, so a
            // later `podunits rm` removed the defined pod's state and forgot its ID range
            // (lifecycle review of 2026-12-07, finding 3). Exit 2, which Restart= does not retry.
            PodState.Release(pod.Name);
            throw new BadInputException($"pod {pod.Name}", $"an earlier 'podunits run -i --keep' kept its state in {PodPaths.StateDir(pod.Name)}; "
                + $"'podunits export {pod.Name}' prints it as a definition, 'podunits rm {pod.Name}' removes it");
        }
        ClaimStateDirectory(pod.Name, interactive);
        ImageStore store;
        try
        {
            if (source is { } started)
            {
                PodState.WriteStartingDefinition(pod.Name, started.File, started.Sha256);
            }
            if (unitSettings is not null)
            {
                // From the claim on, a pull's minutes included: the unit runs with these already.
                Generator.RunningPodSettings.Save(PodState.SavedUnitSettingsDir(pod.Name), unitSettings);
            }
            store = ImageStore.Open();
        }
        catch
        {
            // Released as the start's own failures below are: a full /run or an image store
            // that cannot be opened left the claim's directory (its pids naming a process
            // gone) and a `run -i` pod's marked state behind (systemd review of 2026-12-06,
            // finding 1).
            PodState.Release(pod.Name);
            if (interactive && keptDefinition is null)
            {
                _ = PodState.DeleteAdHoc(pod.Name);
            }
            throw;
        }
        bool pinned = false;
        List<int> volumeLocks = [];
        (int Pid, int Attach) executor;
        // Ctrl-C, an SSH drop, `podunits stop NAME` or systemctl stop during a pull: without a
        // handler the process died there, leaving the claim's directory, the image pin (then
        // `image rm` refused: "in use by pod pod-1a2b3c4d") and hostPath directories to gc.
        // The signal cancels the pull instead, and the catch below releases them.
        using var interrupted = new CancellationTokenSource();
        int received = 0; // the signal's number, to end by it once released
        // `run -it`: the spawned executor's PID. From the spawn until the attached session's
        // own handlers are in place a stop signal stops the pod, as theirs do: by its default
        // action it ended this process and left the pod running detached, unseen (interactive
        // review of 2026-12-07, finding 7).
        int spawned = 0;
        List<PosixSignalRegistration> stops = [.. StopSignals
            .Select(s => PosixSignalRegistration.Create(s.Signal, context =>
            {
                context.Cancel = true;
                if (Volatile.Read(ref spawned) is int executorPid and > 0)
                {
                    _ = LibcExtra.kill(executorPid, LibcExtra.SIGTERM);
                    return;
                }
                Interlocked.CompareExchange(ref received, s.Number, 0);
                Interruption.Note();
                interrupted.Cancel();
                if (Volatile.Read(ref spawned) is int late and > 0)
                {
                    _ = LibcExtra.kill(late, LibcExtra.SIGTERM); // spawned meanwhile: the check after the spawn may have missed it
                }
            }))];
        try
        {
            // Pinned first, so `image rm` and `gc` cannot take an image between its
            // resolution and the pod's end; resolving adds each manifest digest to the pin.
            PodImages.Write(store.Root, pod.Name, ContainerImages.StoreReferences(pod));
            pinned = true;
            UserNamespacePlanner.CheckKernel(pod); // before hostPath directories and pulls made for nothing
            // The named volumes' locks, shared, before the pull and for the pod's life: a pod
            // that is starting (a pull can take minutes) holds its volumes against `volume rm`,
            // even one run from a file outside the search path, whose plan nobody can see yet
            // (volumes review of 2026-12-07, finding 3; merged review, finding 4).
            volumeLocks = VolumeLocks.TakeShared(pod.Name, pod.Volumes.Select(v => v.Claim?.HostPath).OfType<string>().Distinct(StringComparer.Ordinal));
            HostPathVolumes.Prepare(pod);
            CapabilityGrants.Check(pod, LinuxCapabilities.BoundingSet()); // before a pull that would be for nothing
            // A long pull extends the start timeout while it makes progress (EXTEND_TIMEOUT_USEC=).
            var extender = new StartTimeoutExtender(SdNotify.Default);
            Dictionary<string, ContainerImage> images = await ContainerImages.ResolveAsync(pod, store, text => SdNotify.Default.Status(text),
                extender.Progressed, cancellationToken: interrupted.Token).ConfigureAwait(false);
            if (extender.Extended)
            {
                await StartBudget.RenewAsync(pod.Name).ConfigureAwait(false); // the pull is not the start's
            }
            PodPlan plan = PlanBuilder.Build(pod, PodState.MachineIdOf(pod.Name), images, interactive);
            plan.Terminal = terminal is not null;
            if (plan.Terminal)
            {
                foreach (ContainerPlan c in plan.Containers)
                {
                    TerminalEnvironment.AddTerm(c.Env); // TERM=xterm, as docker and podman (interactive review of 2026-12-07, finding 3)
                }
            }
            plan.KeepState = keptDefinition is not null;
            (plan.DefinitionFile, plan.DefinitionSha256) = source is { } s ? (s.File, s.Sha256) : (null, null);
            UserNamespacePlanner.Apply(plan, pod, _ => UsersFromHostPool(pod));
            SeccompPlanner.Compile(plan);
            LsmPlanner.Apply(plan, pod, HostLsm.Detect(), AppArmorDefaultProfile.IsLoaded, warning => PodLog.Warning(warning, new(Pod: pod.Name)));
            if (plan.Containers.Any(c => c.AppArmorProfile == AppArmorDefaultProfile.Name))
            {
                AppArmorDefaultProfile.EnsureLoaded(AppArmorDefaultProfile.IsLoaded);
            }
            plan.Network = NetworkPlanner.Plan(pod, plan.MachineId, NetworkConfigs.DefaultDirs, CniRuntime.Default);
            if (plan.Network is { } network)
            {
                // Servers of a family only where the pod may get an address of it (unknown:
                // dhcp's ipam, both kept).
                var families = CniIpam.AddressFamilies(CniConfigList.Parse(network.ConfigPath, network.ConfigText));
                bool ipv6 = families?.Contains(System.Net.Sockets.AddressFamily.InterNetworkV6) ?? true;
                bool ipv4 = families?.Contains(System.Net.Sockets.AddressFamily.InterNetwork) ?? true;
                plan.ResolvConf ??= HostDns.ForPodNetwork(ipv6, ipv4);
            }
            MergeDnsConfig(plan, pod);
            if (!pod.HostNetwork && !pod.ImageResolvConf && plan.ResolvConf is { } resolv && !HostDns.HasNameserver(resolv))
            {
                // A copy with no server (the host had none yet, or only ones the pod cannot
                // reach): every lookup fails until the pod restarts, and nothing said why
                // (network review of 2026-12-06, finding 1).
                PodLog.Warning($"pod {pod.Name}: its resolv.conf names no DNS server it can reach (the host's: {HostDns.HostResolvConf}); "
                    + "lookups in the pod fail until it restarts with one there, or set dnsPolicy None and dnsConfig", new(Pod: pod.Name));
            }
            long pidsLimit = pod.HostSettings.PidsLimit;
            plan.ContainerTasksMax = pidsLimit > 0 ? (ulong)pidsLimit : null;
            plan.ImagePinFile = PodImages.PathFor(store.Root, pod.Name);
            plan.ClaimLockFds = volumeLocks; // stage 1 holds them from the exec on
            PodState.Prepare(plan, plan.Redacted().ToJson()); // the host's copy: no values
            if (pod.HostNetwork)
            {
                List<PortMappingPlan> ports = HostNetworkPorts(pod);
                HostPortReservations.ClaimForHostNetwork(pod.Name, ports);
                // One read of the CNI cache, a file per attachment on the host, for both
                // (merged network review of 2026-12-07, finding 8).
                List<CniCacheEntry> cached = [.. CniRuntime.Default.Cache.ReadAll()];
                // What a killed earlier run of this pod left on a CNI network: nothing else
                // releases it while this run holds the name (PodNetwork.ReleaseOwnAsync).
                await PodNetwork.ReleaseOwnAsync(CniRuntime.Default, pod.Name, ports, cached, interrupted.Token).ConfigureAwait(false);
                // A killed pod's portmap rules for these ports come before this pod's sockets
                // and would take their traffic, as for a published pod (PodNetwork).
                await PodNetwork.ReleaseCrashedHoldersAsync(CniRuntime.Default, pod.Name, ports, cached, interrupted.Token).ConfigureAwait(false);
            }
            if (definition is not null)
            {
                PodState.WriteAdHocDefinition(pod.Name, definition, keptDefinition); // for `podunits export`
            }
            string sealedPlan = PlanHandoff.Seal(plan.ToJson());
            // The signals' default action back first, then a last look: a stop asked until then
            // ends the start here, one after it ends the process as it always did, so none falls
            // between the two. From the exec on, the executor's handlers take them. `run -it`
            // keeps its handlers across the spawn instead (see spawned).
            if (terminal is null)
            {
                StopHandling(stops);
            }
            interrupted.Token.ThrowIfCancellationRequested();
            if (terminal is null)
            {
                ListenFds.Passed()?.KeepAcrossExec();
                VolumeLocks.KeepAcrossExec(volumeLocks);
                Stage1.Exec(stage1, sealedPlan, claim); // returns only by throwing
                throw new InvalidOperationException("execve returned");
            }
            executor = Stage1.Spawn(stage1, sealedPlan, claim, volumeLocks);
            Interlocked.Exchange(ref spawned, executor.Pid);
            if (interrupted.IsCancellationRequested)
            {
                _ = LibcExtra.kill(executor.Pid, LibcExtra.SIGTERM); // asked between the last look and the spawn
            }
            VolumeLocks.Close(volumeLocks); // the executor's now; this process may stay attached after the pod ends
            // The claim too: flock belongs to the open file, shared with the executor, so a CLI
            // stalled on a dead terminal (or stopped by SIGTSTP) kept the name "running" after
            // its executor ended, and `stop`, a new start and gc waited for it (interactive
            // review of 2026-12-07, finding 4). The executor's copy holds the lock for the pod.
            LibcExtra.close(claim.Fd);
        }
        catch
        {
            StopHandling(stops);
            VolumeLocks.Close(volumeLocks);
            if (pinned)
            {
                PodImages.Delete(store.Root, pod.Name);
            }
            PodState.Release(pod.Name);
            if (interactive && keptDefinition is null)
            {
                _ = PodState.DeleteAdHoc(pod.Name);
            }
            if (received == LibcExtra.SIGQUIT)
            {
                // Ctrl-\: 131 as by the signal, but not by its default action, a core dump of
                // stage 0 for systemd-coredump to keep (CLI review of 2026-12-07, finding 1).
                PodLog.Error("interrupted");
                Environment.Exit(128 + LibcExtra.SIGQUIT);
            }
            if (received != 0)
            {
                // Ended by the signal, as without the handler, once released: systemd counts a
                // SIGTERM'd main process as a clean stop (an exit status would fail the unit),
                // and a shell sees 128+N. Its default action is back (StopHandling).
                PodLog.Error("interrupted");
                _ = LibcExtra.kill(Environment.ProcessId, received);
                Thread.Sleep(TimeSpan.FromSeconds(5)); // then the status below, 130
            }
            throw;
        }
        // From here on the pod is the executor's: it releases what was taken above. The
        // session blocks on a thread of its own, not on a thread-pool worker (this
        // continuation is one after an image pull): .NET runs SIGHUP's and SIGWINCH's
        // handlers on the pool.
        try
        {
            return await Task.Factory.StartNew(() => AttachedTerminal.Run(pod.Name, executor.Pid, executor.Attach, terminal, handlersInPlace: () => StopHandling(stops)),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            StopHandling(stops); // when the session failed before its handlers were in place
        }
    }

    /// <summary>What stops stage 0 during the pull, each cancelling it so that the claim, the
    /// image pin and hostPath directories are released: Ctrl-C, a stop, an SSH drop, and
    /// Ctrl-\, which the terminal sends `run -i`'s foreground job as well (CLI review of
    /// 2026-12-07, finding 1: by its default action it left them all to gc).</summary>
    internal static readonly (PosixSignal Signal, int Number)[] StopSignals =
        [(PosixSignal.SIGINT, LibcExtra.SIGINT), (PosixSignal.SIGTERM, LibcExtra.SIGTERM), (PosixSignal.SIGHUP, LibcExtra.SIGHUP), (PosixSignal.SIGQUIT, LibcExtra.SIGQUIT)];

    /// <summary>Gives the stop signals back to their default action (a disposed registration
    /// restores it once none is left).</summary>
    private static void StopHandling(List<PosixSignalRegistration> registrations)
    {
        foreach (PosixSignalRegistration r in registrations)
        {
            r.Dispose();
        }
        registrations.Clear();
    }
}

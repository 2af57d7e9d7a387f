using System.Globalization;
using PodUnits.Core.Text;
using PodUnits.Runtime.Container;
using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Core.Native;
using PodUnits.Runtime.Health;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

public sealed partial class PodExecutor
{
    /// <summary>Reacts to the pod init's reports until it is gone; returns the pod's exit code.</summary>
    private async Task<int> SuperviseAsync(SystemdManager systemd)
    {
        string? failure = null;
        bool finishing = false;
        bool stoppedFromInside = false;
        await foreach (SupervisionEvent e in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            switch (e is SupervisionEvent.FromPodInit(var message) ? message : null)
            {
                case PodControlMessage.SetupDone:
                    _notify.Status("starting containers");
                    break;
                case PodControlMessage.Started(string name, int pid):
                    OnStarted(name, pid);
                    _placing.RemoveAll(t => t.IsCompleted);
                    _placing.Add(PlaceAsync(systemd, name, pid));
                    break;
                case PodControlMessage.Running(string name, int pid):
                    OnRunning(systemd, name, pid);
                    break;
                case PodControlMessage.Exited(string name, _, _, NeverRan: true):
                    // It waited for "go" and the pod stopped first (ContainerStart): it never
                    // ran, so it neither failed nor exited (nor does the pod init count it).
                    // The pod init's word, not a guess from the "go"s sent here: one that
                    // crossed the stop is ignored there (lifecycle review of 2026-12-07, finding 5).
                    StageLog.Information($"container {name} did not start: the pod stopped first");
                    ReportStatus();
                    break;
                case PodControlMessage.Exited(string name, int code, bool killed, _):
                    _exits[name] = code;
                    Volatile.Write(ref _commandEnded, _plan.Interactive);
                    if (!killed)
                    {
                        // The kill asked for came after the run had ended (it was shutting down,
                        // hence the failed probe), or while the pod stopped: the pod init ignored
                        // it, so the run ended as its status says and restarts only as its
                        // policy says, as the pod init decides.
                        Statuses[name].KilledBy = null;
                    }
                    foreach (LogForwarder forwarder in _forwardersOf.GetValueOrDefault(name, []))
                    {
                        // Its pipes outlive the run when it restarts. Here, before the next
                        // run's "started" is even read, so before its "go": the pipe holds only
                        // this run's output now, and where it ends is exact (LogForwarder).
                        forwarder.RunEnded();
                    }
                    await OnExitedAsync(systemd, name, code).ConfigureAwait(false);
                    _eventLog?.ContainerExited(name, code, Describe(code, Container(name)), expected: code is 0 or 128 + 15);
                    WarnIfSocketsOrphaned(name);
                    EvaluateReady();
                    ReportStatus();
                    break;
                case PodControlMessage.Restarting(string name, int delay):
                    OnRestarting(name, delay);
                    break;
                case PodControlMessage.PreStop(string name, int pid, int secondsLeft):
                    OnPreStop(systemd, name, pid, secondsLeft);
                    break;
                case PodControlMessage.Failed(string why):
                    failure ??= why;
                    _eventLog?.SetupFailed(failure);
                    break;
                case PodControlMessage.Stopping:
                    // machinectl poweroff, the last container but sidecars ended, an eviction,
                    // or our own stop: the pod init acts on no kill now, so probing ends.
                    _podInitStopping = true;
                    _prober?.Cancel(null);
                    EvaluateReady(); // a job that ended before its sidecars were ready
                    break;
                case PodControlMessage.Finishing(bool stop):
                    if (stop)
                    {
                        _eventLog?.Stopped();
                        stoppedFromInside = !Stopping; // machinectl poweroff or reboot, not systemctl stop
                    }
                    finishing = true;
                    Volatile.Write(ref _containersGone, true);
                    // Every container is gone: the attached terminals get their modes back before
                    // anything more is said on them, and nothing uses the network or the slice.
                    _terminal?.WaitForOutput();
                    _terminal?.CommandEnded();
                    _detaching ??= DetachNetworkAsync();
                    _removingSlice ??= RemoveSliceAsync(systemd);
                    UnregisterOnceDrained(systemd);
                    break;
                case PodControlMessage.Leader:
                    break; // taken on the control thread, with its descriptors
                case { } other:
                    Log($"protocol error: \"{other.Format()}\" is not the pod init's to send");
                    break;
                case null:
                    break; // one of the executor's own events, below
            }
            switch (e)
            {
                case SupervisionEvent.Evicted(string volume, long bytes, ulong limit, var unmeasurable):
                    failure ??= unmeasurable is null
                        ? $"evicted: emptyDir \"{volume}\" holds {ByteSizes.Format((ulong)bytes)} on disk, more than its sizeLimit of {ByteSizes.Format((ulong)limit)}"
                        : $"evicted: emptyDir \"{volume}\" could not be measured against its sizeLimit of {ByteSizes.Format((ulong)limit)}: {unmeasurable}";
                    _eventLog?.SetupFailed(failure);
                    _control?.Send(new PodControlMessage.StopPod());
                    break;
                case SupervisionEvent.Ready:
                    OnReady();
                    break;
                case SupervisionEvent.Notified notified:
                    OnNotified(notified);
                    break;
                case SupervisionEvent.Probed(var worker, var outcome, var recorded):
                    OnProbed(systemd, worker, outcome, recorded);
                    break;
                case SupervisionEvent.Hooked(string name, int pid, bool postStart, var outcome):
                    OnHooked(systemd, name, pid, postStart, outcome);
                    break;
                case SupervisionEvent.Placed(string name, int podPid, int hostPid, var why):
                    failure ??= OnPlaced(name, podPid, hostPid, why);
                    break;
                case SupervisionEvent.NetworkSlow:
                    ReportStatus();
                    break;
                case SupervisionEvent.Registered(var why):
                    failure ??= OnRegistered(why);
                    break;
                case SupervisionEvent.OutputEnded when finishing:
                    UnregisterOnceDrained(systemd);
                    break;
                default:
                    break;
            }
        }
        // Every container is gone; a scope still being created fails at once (its process is
        // gone too), and nothing may create one after the clean-up.
        await Task.WhenAll(_placing).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new PodUnitsException($"pod {_plan.Name}", failure);
        }
        if (_initStatus is not (0 or PodInit.RebootExitCode))
        {
            string why = DescribeFailure(_initStatus);
            _eventLog?.Failed(why);
            _notify.TryFinalFailure(why); // not "stopping", or the last probe's
            FailedStarts.RecordFailure(why); // a no-op once the pod was ready
        }
        if ((stoppedFromInside || Volatile.Read(ref _stopAskedForAScope)) && _initStatus != PodInit.RebootExitCode)
        {
            await StopOwnUnitAsync(systemd).ConfigureAwait(false);
        }
        if (_plan.Interactive && _initStatus == 0 && Volatile.Read(ref _stopSignal) is int signal and > 0)
        {
            // The pod init counts a stop's SIGTERM as a clean end, which is right for a unit
            // (systemctl stop is no failure); `run -i`'s caller gets the command's own status
            // (143 when the stop's SIGTERM killed it, 0 when it caught it and ended well, as
            // podman run gives it), or 128 + the signal when the stop came before it ran.
            return _exits.TryGetValue(_plan.Containers[0].Name, out int code) ? code : 128 + signal;
        }
        return _initStatus;
    }

    /// <summary>
    /// machinectl poweroff (or SIGTERM to the pod init or machine leader) stopped the pod from
    /// inside: a stop, not a crash, yet the executor's end alone would be restarted under
    /// Restart=always. A stop job of its own unit, queued before it exits, makes the stop
    /// final, as `systemctl stop` would; systemd's SIGTERM for it finds the pod already ending.
    /// The same after systemd's RequestStop for a container's scope (`systemctl stop` of the
    /// scope or its slice: PodExecutor.ScopeStop.cs): the pod was stopped, not crashed.
    /// </summary>
    private async Task StopOwnUnitAsync(SystemdManager systemd)
    {
        if (_plan.Interactive || Core.Identity.OwnUnit.ServiceName() is not { } unit)
        {
            return;
        }
        try
        {
            // Queued, not waited for: the job waits for this process to exit.
            await systemd.QueueStopUnitAsync(unit).ConfigureAwait(false);
        }
        catch (PodUnitsException e)
        {
            Log($"stopping {unit} after the pod stopped from inside: {e.Message}");
        }
    }

    /// <summary>Every container is gone and its output forwarded: the machine can go while
    /// the pod's journald writes its last lines (it would otherwise be the last step of a
    /// stop).</summary>
    private void UnregisterOnceDrained(SystemdManager systemd)
    {
        // Not registered yet (the pod ended before): the clean-up waits for the registration.
        if (_registered && Volatile.Read(ref _streamsOpen) == 0)
        {
            _unregistering ??= UnregisterMachineAsync(systemd);
        }
    }

    /// <summary>
    /// Moves a just-started container into its scope, off the supervision loop: the scopes of
    /// a pod's containers are created together instead of one systemd job after another, and
    /// a restarted container waiting for its old scope to go holds up no other event. The
    /// loop lets the container exec once <see cref="SupervisionEvent.Placed"/> arrives.
    /// </summary>
    private async Task PlaceAsync(SystemdManager systemd, string name, int podPid)
    {
        ContainerPlan c = _plan.Containers.Single(x => x.Name == name);
        int? hostPid = HostPids.Find(_initPid, podPid);
        if (hostPid is null)
        {
            return; // it already ended; the pod init reports its exit
        }
        // Reported even when something unexpected is thrown (it surfaces again where the loop
        // awaits the placements): a container left waiting for "go" would hang the start.
        string? failure = $"container {name}: its scope was not created";
        try
        {
            failure = await CreateScopeAsync(systemd, c, hostPid.Value).ConfigureAwait(false);
        }
        finally
        {
            _events.Writer.TryWrite(new SupervisionEvent.Placed(name, podPid, hostPid.Value, failure));
        }
    }

    /// <summary>Null once the container's process is in its scope, else why it cannot be.</summary>
    private async Task<string?> CreateScopeAsync(SystemdManager systemd, ContainerPlan c, int hostPid)
    {
        if (_slicing is not null)
        {
            try
            {
                await _slicing.ConfigureAwait(false);
            }
            catch (PodUnitsException e)
            {
                return $"cannot ready the pod's slice {ContainerUnits.SliceName(_plan.Name)}: {e.Message}";
            }
        }
        try
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            await StartScopeAsync(systemd, c, hostPid).ConfigureAwait(false);
            if (Verbosity.IsOn)
            {
                // With container-start's own timings (SetupSteps), what confinement costs a
                // start: the scope's device policy is set up here, by systemd.
                StageLog.Information(string.Create(CultureInfo.InvariantCulture,
                    $"podunits: container {c.Name}: scope started in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.000} ms"));
            }
            return null;
        }
        catch (PodUnitsException e)
        {
            return $"container {c.Name}: cannot create its scope: {e.Message}";
        }
    }

    /// <summary>On the loop: the container is in its scope and may exec, or the pod stops.</summary>
    private string? OnPlaced(string name, int podPid, int hostPid, string? failure)
    {
        if (Statuses[name].PodPid != podPid || Statuses[name].State != "waiting")
        {
            // That run ended while its scope was made (the pod stopping, a kill): no failure
            // of its own, and neither its "go" nor its host PID (which may be another
            // process's by now) is the next run's.
            return null;
        }
        if (failure is not null)
        {
            if (!Directory.Exists($"/proc/{hostPid}"))
            {
                return null; // killed while its scope was made (the pod is stopping): no failure of its own
            }
            _control?.Send(new PodControlMessage.StopPod());
            return failure;
        }
        if (!_registered)
        {
            _goPending.Add((name, podPid)); // no command may run before the pod's network is there
        }
        else if (!PodStopping)
        {
            // Not once the pod stops: it would be ignored (PodInit.ShouldLetGo), and without
            // it the run gives up and never runs (lifecycle review of 2026-12-07, finding 5).
            _control?.Send(new PodControlMessage.Go(name, podPid));
        }
        _placed.Add(name);
        _hostPids[name] = hostPid;
        ReportStatus();
        return null;
    }

    /// <summary>On the loop: the network is attached and the machine registered, and the
    /// containers already in their scopes may exec; or the pod stops, and says why.</summary>
    private string? OnRegistered(string? failure)
    {
        if (failure is null)
        {
            _registered = true;
            if (!PodStopping)
            {
                // Only runs still current: one that died waiting is no one's to let go. None
                // once the pod stops, as in OnPlaced (lifecycle review of 2026-12-07, finding 5).
                foreach ((string name, int podPid) in _goPending)
                {
                    if (Statuses[name].PodPid == podPid && Statuses[name].State == "waiting")
                    {
                        _control?.Send(new PodControlMessage.Go(name, podPid));
                    }
                }
            }
            _goPending.Clear();
            return null;
        }
        _control?.Send(new PodControlMessage.StopPod());
        return failure.Length > 0 ? failure : null;
    }

    /// <summary>Reports the network's attachment and the machine's registration to the loop.</summary>
    private async Task ReportRegistrationAsync(Task registering)
    {
        string? failure = null;
        try
        {
            await registering.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // reported to the loop, which fails the pod with it
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The pod init gone first (a sysctl the kernel refused, a mount): its own reason,
            // which the loop reads, says why the pod failed; machined's "no such process"
            // would not.
            // A stop that interrupted the network's ADD is no failure of the pod's either.
            failure = ProcessStat.HasEnded(_initPid) || (e is OperationCanceledException && Stopping) ? "" : e.Message;
        }
        _events.Writer.TryWrite(new SupervisionEvent.Registered(failure));
    }

    /// <summary>READY=1, once every container is ready (or ended for good).</summary>
    private void OnReady()
    {
        if (Stopping)
        {
            return;
        }
        // The containers running now, not the plan's: one that ended for good
        // (a missing command under restartPolicy Never) lets READY through too.
        string containers = PodEventLog.Running(
            _plan.Containers.Count(c => Serves(c) && Statuses[c.Name].State == "running"), _plan.Containers.Count(Serves));
        _notify.Ready(string.Join("; ", [$"{containers} running", .. NotifyStatusParts()])); // as ReportStatus words it later
        FailedStarts.Clear(_plan.Name); // the next restart by systemd is at once (Planning/State/StartBackOff.cs)
        _eventLog?.Started(containers);
    }

    /// <summary>STATUS=: how many containers run, which restart and why, which are not ready.</summary>
    private void ReportStatus()
    {
        if (Stopping)
        {
            return;
        }
        if (!_registered && _network?.AddingPlugin is { } plugin)
        {
            // Only once a plugin has taken a while (NetworkSlow), or as containers are placed meanwhile.
            _notify.Status($"waiting for network {_network.Name}: CNI ADD of plugin {plugin}");
            return;
        }
        int running = _placed.Count(n => Statuses[n].State == "running");
        // An init container that ran to completion did its job: only the pod's own containers
        // (and sidecars) that ended, and are not running again, count as exited.
        int exited = _plan.Containers.Count(c => (!c.Init || c.Sidecar) && _exits.ContainsKey(c.Name));
        var parts = new List<string> { exited > 0 ? $"{Counted.Of(running, "container")} running, {exited} exited" : $"{Counted.Of(running, "container")} running" };
        foreach (ContainerStatus s in Statuses.Values.Where(s => s.State == "restarting"))
        {
            // When, by the local clock: STATUS= is sent at events only, and a countdown said
            // "in 300 s" for the whole of a 5-minute back-off (health review of 2026-12-06, 10).
            string at = s.RestartAt is DateTime restartAt && restartAt > DateTime.UtcNow
                ? $" at {restartAt.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}" : "";
            parts.Add($"{s.Name} restarting{at} ({Reason(s)}, restart {s.Restarts + 1})");
        }
        // List's own FindAll and ConvertAll, not Where(...).Select(...): a generic virtual call,
        // which NativeAOT looks up at run time (docs/process-model.md, "What a NativeAOT process pays").
        List<string> notReady = _plan.Containers.FindAll(c => Serves(c) && Statuses[c.Name] is { State: "running", Ready: false }).ConvertAll(c => c.Name);
        if (notReady.Count > 0)
        {
            parts.Add($"not ready: {string.Join(", ", notReady)}");
        }
        parts.AddRange(NotifyStatusParts());
        _notify.Status(string.Join("; ", parts));
    }

    /// <summary>What a start not yet READY waits for, container by container: an init
    /// container still to complete, a container not ready with what its last probe found or
    /// the step it is in ("app: readiness probe failed: ... connection refused", "db:
    /// restarting, exited with status 1"). Read from a signal handler's thread: a snapshot.</summary>
    private string WaitingFor()
    {
        var waits = new List<string>();
        if (_network?.AddingPlugin is { } plugin)
        {
            // Before any container: none runs before the network is there (tour I: a plugin
            // that hung left a start's status blaming only the containers).
            waits.Add($"network {_network.Name}: CNI ADD of plugin {plugin}");
        }
        // Not Statuses: the loop makes them, and may not have yet (a stop during the ADD).
        Dictionary<string, ContainerStatus> statuses = _statuses ?? new(StringComparer.Ordinal);
        foreach (ContainerPlan c in _plan.Containers)
        {
            if (!statuses.TryGetValue(c.Name, out ContainerStatus? s) || s.Ready || (Serves(c) && EndedForGood(c, s)))
            {
                continue;
            }
            if (!Serves(c))
            {
                if (s.LastExitReason != "Completed" || s.State != "exited")
                {
                    waits.Add($"init container {c.Name}: {(s.State == "running" ? "running" : Step(s))}");
                }
                continue;
            }
            waits.Add($"{c.Name}: {Step(s)}");
            if (s.State == "waiting" && s.Run < 0)
            {
                break; // containers after one that never started did not start either
            }
        }
        return waits.Count > 0 ? string.Join("; ", waits) : "the containers to be ready";
    }

    private static string Step(ContainerStatus s) => s.State switch
    {
        // Past its hook and not being killed, what the probe its readiness waits on found last
        // says the most (a passing liveness probe beside it says nothing).
        "running" when s.KilledBy is null && s.PostStartDone && s.WaitingOnProbe is { } probe => probe,
        "running" when s.KilledBy is null && s.PostStartDone && s.Started && s.Notify && s.NotifiedRun != s.Run =>
            "no READY=1 through the notify socket yet",
        "running" => ContainerStatus.StartingStep(s.Started, s.PostStartDone, s.KilledBy) ?? "not ready",
        "restarting" => $"restarting, {Reason(s)}",
        "exited" => Reason(s),
        _ => "not started",
    };

    /// <summary>The container's scope, with its host PID in it. A restarted container's
    /// previous scope may not be gone yet: systemd collects an emptied scope a moment after
    /// its last process ends, so "already exists" is retried for a while.</summary>
    private async Task StartScopeAsync(SystemdManager systemd, ContainerPlan c, int hostPid)
    {
        string scope = ContainerUnits.ScopeName(_plan.Name, c.Name);
        string? controller = _scopeController is null ? null : await _scopeController.ConfigureAwait(false);
        TransientUnitProperties properties = ContainerUnits.ScopeProperties(_plan, c, controller);
        ContainerLimitUpdates.Apply(_plan.Name, c.Name, properties); // `podunits update` outlives a restart
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await systemd.StartTransientScopeAsync(scope, [(uint)hostPid], properties).ConfigureAwait(false);
                return;
            }
            // NoSuchUnit: the pod's slice, a killed run's stopped just before (PodSlice.PrepareAsync),
            // was being collected when the scope named it (seen after a SIGKILLed executor).
            catch (Systemd.SystemdCallException e) when (e.DBusErrorName is Systemd.DBusErrors.UnitExists or Systemd.DBusErrors.NoSuchUnit && attempt < 100)
            {
                if (attempt == 20)
                {
                    // A leftover that will not go by itself. Killed, not stopped: it may be this
                    // run's own, whose controller is this executor, and a stop would come back
                    // here as a RequestStop, the whole pod's stop (PodExecutor.ScopeStop.cs).
                    try
                    {
                        await systemd.KillUnitAsync(scope, KillWho.All, Tmds.Linux.LibC.SIGKILL).ConfigureAwait(false);
                    }
                    catch (Systemd.SystemdCallException gone) when (gone.DBusErrorName is Systemd.DBusErrors.NoSuchUnit or Systemd.DBusErrors.UnknownObject)
                    {
                        // It went between the two calls: the next attempt creates the scope.
                    }
                }
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A container stream ended (on its forwarder's thread). When the last one has, every
    /// line is in the journals: "drained" tells the pod init, the machine's leader, that it
    /// may go, sent at once rather than on request, because the pod init waits for it on the
    /// way out of every stop.
    /// </summary>
    private void OnStreamEnded()
    {
        if (Interlocked.Decrement(ref _streamsOpen) == 0)
        {
            _control?.Send(new PodControlMessage.Drained());
            _events.Writer.TryWrite(new SupervisionEvent.OutputEnded());
        }
    }

    /// <summary>Every <see cref="EmptyDirLimits.Interval"/>, whether an emptyDir on disk holds
    /// more than its sizeLimit; the first that does evicts the pod (Supervise's "evicted").</summary>
    private async Task WatchEmptyDirsAsync(CancellationToken stop)
    {
        List<EmptyDirPlan> limited = EmptyDirLimits.Limited(_plan);
        if (limited.Count == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(EmptyDirLimits.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (await Task.Run(() => EmptyDirLimits.FirstOver(limited), stop).ConfigureAwait(false) is ({ } volume, long bytes, var unmeasurable))
                {
                    _events.Writer.TryWrite(new SupervisionEvent.Evicted(volume.Name, bytes, volume.SizeLimitBytes!.Value, unmeasurable));
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the pod ended
        }
    }

    /// <summary>On every way out: the pod init gone, its output forwarded, the machine
    /// unregistered (when it was registered: then <paramref name="systemd"/> is there). The
    /// name and the image pins are released by <see cref="RunPlanAsync"/>.</summary>
    private async Task CleanUpAsync(SystemdManager? systemd)
    {
        await _watching.CancelAsync().ConfigureAwait(false);
        if (_initPid > 0 && LibcExtra.waitpid(_initPid, out _, LibcExtra.WNOHANG) == 0)
        {
            // Failed start: the pod init is still there. Killing PID 1 of the pod kills the pod.
            LibcExtra.kill(_initPid, LibcExtra.SIGKILL);
            LibcExtra.waitpid(_initPid, out _, 0);
        }
        FinishStatuses(); // every container is gone: none restarts any more
        await HooksEndedAsync().ConfigureAwait(false);
        // A registration still under way ends now (the pod init's end fails a wait for its
        // leader): a machine registered after its unregistration would outlive the pod.
        bool registered = _registering is { } registering && await SucceededAsync(registering).ConfigureAwait(false);
        // CNI DEL runs while the output is drained and the machine goes: its plugins take
        // tens of milliseconds (iptables), which would otherwise add to every stop.
        Task detaching = _detaching ?? DetachNetworkAsync();
        _terminal?.WaitForOutput();
        _terminal?.ReleaseJournal(); // the terminal container's stdout pipe can end now
        // One deadline for every stream and the lifecycle messages, inside the stop's margin
        // (ExecutorStop): a journald that does not read cost 10 s per stream, one after the
        // other, and systemd's SIGKILL came before the pod's journal, machine and slice were
        // let go (review of the log path, finding 3).
        _eventLog?.Close(); // its last entries drain beside the output, not after it
        DrainOutput(out TimeSpan left).ForEach(Log); // PodExecutor.Drain.cs: a `run -i` caller's pace (interactive review of 2026-12-07, finding 1)
        _eventLog?.Flush(left);
        _podJournal?.Dispose(); // its files closed cleanly: the next run archives them
        // Streams name their unit in their header; datagrams do not: the last "container
        // exited" and "pod stopped" would lose _SYSTEMD_UNIT and POD_NAME, and with them their
        // place in `podunits logs` and `status`, if journald read them after the exit. The
        // sync runs beside the machine's unregistration and the CNI DEL, not after them.
        Task journal = _forwarders.Any(f => f.SentDatagrams) || _eventLog?.SentDatagrams == true
            ? Task.Run(WaitForJournal) : Task.CompletedTask;
        if (registered && systemd is not null)
        {
            await (_unregistering ?? UnregisterMachineAsync(systemd)).ConfigureAwait(false);
        }
        await detaching.ConfigureAwait(false);
        if (systemd is not null)
        {
            await (_removingSlice ?? RemoveSliceAsync(systemd)).ConfigureAwait(false);
        }
        await journal.ConfigureAwait(false);
    }

    /// <summary>How long the end of a pod waits for its output and lifecycle messages to reach
    /// the journals: well inside <see cref="Core.Timing.ExecutorStop.MarginSeconds"/>, which the
    /// scopes, the machine, the slice and the journal sync after it (up to 5 s) need too.</summary>
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(6);

    private static async Task<bool> SucceededAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // its failure was reported where it happened
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The pod's slice goes with the pod (PodSlice.RemoveAsync), once a container was
    /// placed in it or it was made with settings of its own: systemd keeps an implicit slice
    /// active, empty, after its last scope has gone.</summary>
    private Task RemoveSliceAsync(SystemdManager systemd) =>
        _placed.Count > 0 || PodSlice.HasSettings(_plan) ? PodSlice.RemoveAsync(systemd, _plan, Log) : Task.CompletedTask;

    /// <summary>CNI DEL and the rest of <see cref="Network.PodNetwork.DetachAsync"/>; a failure
    /// is logged, not thrown (the pod has ended either way), and leaves the cache entry for
    /// `podunits gc`.</summary>
    private async Task DetachNetworkAsync()
    {
        if (_network is null)
        {
            return;
        }
        try
        {
            if (_attaching is not null)
            {
                // A start that failed while ADD ran: DEL only once the ADD is over (a failed
                // ADD has undone itself; its error is the start's, said elsewhere).
                await _attaching.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            await Task.Run(_network.DetachAsync).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the pod has ended either way: say what is left, and go on with the cleanup
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log($"releasing the pod's network: {e.Message}; `podunits gc` will try again");
        }
    }

    private async Task UnregisterMachineAsync(SystemdManager systemd)
    {
        try
        {
            await systemd.Machines.UnregisterMachineAsync(_plan.Name).ConfigureAwait(false);
        }
        catch (PodUnitsException e)
        {
            Log($"unregistering machine {_plan.Name}: {e.Message}, ignoring");
        }
    }

    /// <summary>
    /// Blocks until the host journald has processed everything sent so far (journalctl
    /// --sync). journald attributes a line to pod@NAME.service by looking at the sender's
    /// cgroup when it reads the datagram; if the executor has exited by then, the pod's last
    /// lines (the ones printed on SIGTERM) would lose _SYSTEMD_UNIT and vanish from
    /// `journalctl -u`.
    /// </summary>
    private static readonly TimeSpan SyncTime = TimeSpan.FromSeconds(5);

    internal static readonly string SyncTimedOut =
        $"journalctl --sync did not finish within {SyncTime.TotalSeconds:0} s; the pod's last lines and messages may lack their unit (_SYSTEMD_UNIT) and so be missing from 'journalctl -u' and 'podunits logs'";

    private static void WaitForJournal()
    {
        try
        {
            using var sync = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Core.Linux.HostTools.Journalctl, "--sync")
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (sync is not null && !sync.WaitForExit(SyncTime))
            {
                sync.Kill();
                // Said, not silent: the pod's last datagrams may be read after the exit,
                // without their unit (logging review of 2026-12-07, finding 4). The unit's
                // stream names the unit in its header, so this line keeps it.
                Log(SyncTimedOut);
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            Log($"journalctl --sync: {e.Message}; the last lines may lack their unit");
        }
    }

    /// <summary>Why the pod ended with <paramref name="status"/>: the first container that
    /// exited with it, as the pod init chose it (PodInit.PodExitCode, where sidecars do not
    /// count: one stopped with the same status must not take the blame).</summary>
    private string DescribeFailure(int status)
    {
        ContainerPlan? first = _plan.Containers.FirstOrDefault(c => !c.Sidecar && _exits.TryGetValue(c.Name, out int code) && code == status);
        // No container's: the pod init's own, its set-up failing, or a signal (`kill -9` of it).
        return first is not null ? $"container {first.Name} exited with {Describe(status, first)}"
            : status > 128 ? $"the pod init was killed by signal {status - 128}" : $"the pod init ended with status {status}";
    }

    /// <summary>How a container's run ended, for the journal and the unit's failure status:
    /// its status, and why PodUnits killed it when it did (a failed probe or postStart hook).</summary>
    private string Describe(int code, ContainerPlan c) =>
        !Stopping && Statuses[c.Name].KilledBy is { } by ? $"{DescribeStatus(code, c)}, killed: {by}" : DescribeStatus(code, c);

    private string DescribeStatus(int code, ContainerPlan c) => code switch
    {
        128 + 9 when Stopping => "signal 9 (SIGKILL: still running when the grace period ended)",
        128 + 9 when Statuses[c.Name].LastExitReason != "OOMKilled" => "signal 9 (SIGKILL)",
        128 + 9 when c.MemoryMaxBytes is ulong max => $"signal 9 (SIGKILL: OOMKilled at its memory limit of {ByteSizes.Format(max)})",
        128 + 9 when _plan.MemoryMaxBytes is ulong podMax => $"signal 9 (SIGKILL: OOMKilled at the pod's memory limit of {ByteSizes.Format(podMax)})",
        > 128 => $"signal {code - 128}",
        127 => "status 127 (executable not found)",
        126 => "status 126 (not executable)",
        _ => $"status {code}",
    };

    /// <summary>Something went wrong that the pod survives (StageLog).</summary>
    private static void Log(string message) => StageLog.Warning(message);
}

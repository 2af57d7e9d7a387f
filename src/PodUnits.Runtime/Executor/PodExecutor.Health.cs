using System.Net;
using PodUnits.Core.Native;
using PodUnits.Runtime.Health;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Health while the pod runs (docs/health.md): each container's status (runs, restarts, last
/// exit, readiness), its probes on one <see cref="Prober"/>, the kills a failed liveness or
/// startup probe asks for, READY=1 once every container is ready, and STATUS= saying what
/// is not. Everything here runs on the supervision loop, one event at a time, except the
/// probes themselves, whose outcomes come back as <see cref="SupervisionEvent.Probed"/>.
/// </summary>
public sealed partial class PodExecutor
{
    private Dictionary<string, ContainerStatus>? _statuses;
    private Prober? _prober;
    private ProbeRunner? _probeRunner;
    private NetnsSockets? _netnsSockets;
    /// <summary>The pod's own address, where probes without a host connect.</summary>
    private IPAddress _podAddress = IPAddress.Loopback;
    private bool _readySent;

    private Dictionary<string, ContainerStatus> Statuses =>
        _statuses ??= _plan.Containers.ToDictionary(c => c.Name, c => new ContainerStatus(c.Name), StringComparer.Ordinal);

    private void RememberPodAddress(CniResult? network)
    {
        if (network?.PodIPs.FirstOrDefault() is string ip && IPAddress.TryParse(ip, out IPAddress? address))
        {
            _podAddress = address;
        }
    }

    /// <summary>"started C PID": a new run of C (the first, or a restart after its back-off).</summary>
    private void OnStarted(string name, int podPid)
    {
        ContainerStatus s = Statuses[name];
        _hostPids.TryRemove(name, out _); // the run before's, if it was not heard ending
        s.PodPid = podPid;
        s.PostStartDone = false;
        if (s.Run >= 0)
        {
            s.Restarts++;
        }
        s.Run++;
        s.NewRun();
        // Read only where an exit could be OOMKilled: not free at every start.
        s.OomKillsAtStart = HasMemoryLimit(Container(name)) ? OomCounts() : null;
        s.State = "waiting";
        s.RestartAt = null;
        s.KilledBy = null;
    }

    /// <summary>"running C PID": its command runs. Its postStart hook runs first when it has one
    /// (PodExecutor.Hooks.cs), then its probes start.</summary>
    private void OnRunning(SystemdManager systemd, string name, int podPid)
    {
        ContainerPlan c = Container(name);
        ContainerStatus s = Statuses[name];
        if (s.State != "waiting" || s.PodPid != podPid)
        {
            // The pod init infers "running" from the exec pipe's end, which a container-start
            // killed before its exec also brings: its "exited" may come first.
            return;
        }
        s.State = "running";
        s.StartedAt = DateTime.UtcNow;
        s.StartedMonotonic = Prober.Now();
        s.Started = false;
        s.Ready = false;
        if (c.PostStart is { } hook && !PodStopping && !_plan.Interactive)
        {
            RunPostStart(systemd, c, s, hook);
        }
        else
        {
            AfterPostStart(systemd, c, s);
        }
        SaveStatuses();
        EvaluateReady();
        ReportStatus(); // a new run: counted as running, and not ready until it says so
    }

    /// <summary>The run is past its postStart hook, or has none. Its probes start: the startup
    /// probe alone while there is one (the kubelet holds liveness and readiness back until it
    /// passes), each after its initialDelaySeconds from the container's start.</summary>
    private void AfterPostStart(SystemdManager systemd, ContainerPlan c, ContainerStatus s)
    {
        s.PostStartDone = true;
        s.Started = c.Startup is null;
        s.Ready = c.Startup is null && c.Readiness is null;
        if (PodStopping || _plan.Interactive)
        {
            return; // no probe starts once the pod stops (the pod init's "stopping" too: an eviction, a poweroff)
        }
        if (c.Startup is { } startup)
        {
            Probe(systemd, new ProbeWorker(c.Name, s.Run, ProbeKind.Startup, startup), s.StartedMonotonic + TimeSpan.FromSeconds(startup.InitialDelaySeconds));
        }
        else
        {
            StartLivenessAndReadiness(systemd, c, s);
        }
        SendUpIfDue(c, s);
    }

    private void StartLivenessAndReadiness(SystemdManager systemd, ContainerPlan c, ContainerStatus s)
    {
        TimeSpan started = s.StartedMonotonic;
        if (c.Liveness is { } liveness)
        {
            Probe(systemd, new ProbeWorker(c.Name, s.Run, ProbeKind.Liveness, liveness), started + TimeSpan.FromSeconds(liveness.InitialDelaySeconds));
        }
        if (c.Readiness is { } readiness)
        {
            Probe(systemd, new ProbeWorker(c.Name, s.Run, ProbeKind.Readiness, readiness), started + TimeSpan.FromSeconds(readiness.InitialDelaySeconds));
        }
    }

    private void Probe(SystemdManager systemd, ProbeWorker worker, TimeSpan first)
    {
        Runner(systemd);
        _prober ??= new Prober(RunProbe, (w, outcome, recorded) => _events.Writer.TryWrite(new SupervisionEvent.Probed(w, outcome, recorded)));
        TimeSpan now = Prober.Now();
        _prober.Add(worker, first > now ? first : now);
    }

    /// <summary>What runs probes and hooks, made with the first of them.</summary>
    private ProbeRunner Runner(SystemdManager systemd)
    {
        if (_probeRunner is null)
        {
            _netnsSockets = new NetnsSockets(_plan.HostNetwork ? null : $"/proc/{_initPid}/ns/net");
            _probeRunner = new ProbeRunner(_plan, systemd, _netnsSockets, _podAddress);
        }
        return _probeRunner;
    }

    private Task<ProbeOutcome> RunProbe(ProbeWorker w, CancellationToken cancel) =>
        _hostPids.TryGetValue(w.Container, out int pid)
            ? _probeRunner!.RunAsync(Container(w.Container), pid, w.Plan, cancel)
            : Task.FromResult(new ProbeOutcome(false, "the container is not running"));

    /// <summary>An outcome of a probe of the container's current run. What it did to the
    /// probe comes with it (<paramref name="recorded"/>): the worker's own state may already be
    /// its next outcome's, and a readiness turn said with the next turn's value logged the
    /// same transition twice and missed the other (health review of 2026-12-06, finding 9).</summary>
    private void OnProbed(SystemdManager systemd, ProbeWorker w, ProbeOutcome outcome, ProbeRecorded recorded)
    {
        ContainerStatus s = Statuses[w.Container];
        if (w.Run != s.Run || s.State != "running" || PodStopping || s.KilledBy is not null)
        {
            // About a run that has ended or is being killed (a readiness result that was on its
            // way when a liveness probe had the run killed must not make it ready again), or
            // heard after probing ended with the pod's stop, whoever began it.
            return;
        }
        string lastProbe = $"{Kind(w)} {(outcome.Success ? "succeeded" : "failed")}" + (outcome.Message.Length > 0 ? $": {outcome.Message}" : "");
        bool seen = s.RecordProbe(w.Kind, lastProbe);
        bool changed = recorded.Changed;
        if (!outcome.Success && recorded.ConsecutiveFailures <= w.Plan.FailureThreshold)
        {
            _eventLog?.ProbeFailed(w.Container, Kind(w), recorded.ConsecutiveFailures, w.Plan.FailureThreshold, outcome.Message);
        }
        if (changed)
        {
            ContainerPlan c = Container(w.Container);
            switch (w.Kind, recorded.Result)
            {
                case (ProbeKind.Startup, true):
                    s.Started = true;
                    s.Ready = c.Readiness is null;
                    StartLivenessAndReadiness(systemd, c, s);
                    SendUpIfDue(c, s);
                    break;
                case (ProbeKind.Readiness, bool ready):
                    bool before = s.Ready;
                    s.Ready = ready;
                    if (s.Ready != before)
                    {
                        // The container's readiness, not the probe's turn: a notify container
                        // whose probe passes before its READY=1 is not ready yet, and its
                        // READY=1 says so (OnNotified; health review of 2026-12-07, finding 3).
                        _eventLog?.ReadinessChanged(w.Container, s.Ready, outcome.Message);
                    }
                    break;
                case (ProbeKind.Liveness or ProbeKind.Startup, false):
                    KillUnhealthy(c, w, outcome);
                    break;
                default:
                    break;
            }
        }
        if (changed || seen)
        {
            // A probe that says the same as last time changes nothing anyone can see: no
            // file write nor STATUS= on every period of every probe.
            SaveStatuses();
            EvaluateReady();
            ReportStatus();
        }
    }

    /// <summary>A liveness or startup probe failed failureThreshold times in a row: the
    /// container is killed (the probe's terminationGracePeriodSeconds, else the pod's) and
    /// restarts as its policy says; its other probes stop with its run.</summary>
    private void KillUnhealthy(ContainerPlan c, ProbeWorker w, ProbeOutcome outcome)
    {
        if (PodStopping)
        {
            return; // a result heard after probing ended: the container stops with the pod, no restart
        }
        int grace = w.Plan.TerminationGracePeriodSeconds ?? _plan.TerminationGracePeriodSeconds;
        _prober?.Cancel(c.Name);
        Statuses[c.Name].KilledBy = $"{Kind(w)} failed";
        NotReadyWhileKilled(c.Name, $"{Kind(w)} failed");
        _eventLog?.ContainerUnhealthy(c.Name, Kind(w), w.Plan.FailureThreshold, outcome.Message,
            c.Restart == ContainerRestart.Never ? "it will not restart (restartPolicy Never)" : "it will restart");
        _control?.Send(new PodControlMessage.KillContainer(c.Name, Statuses[c.Name].PodPid, grace));
    }

    /// <summary>A container being killed serves no more (its readiness probe ended with its
    /// other probes): not ready from the kill on, not only once it has exited a grace period
    /// later, as the kubelet's readiness turns when the dying container stops answering.</summary>
    private void NotReadyWhileKilled(string name, string why)
    {
        ContainerStatus s = Statuses[name];
        if (s.Ready)
        {
            s.Ready = false;
            if (Container(name).Readiness is not null || s.Notify)
            {
                // Only where its readiness was logged when it came (review of the merged
                // confinement change, 2026-12-07, finding 3): a container without a readiness
                // probe is ready silently, and so stops being it silently.
                _eventLog?.ReadinessChanged(name, ready: false, $"being killed: {why}");
            }
        }
    }

    /// <summary>"exited C CODE": its probes stop; what its process left in its scope is
    /// killed (the scope's name must be free for the next run, and a run that ended leaves
    /// nothing running).</summary>
    private async Task OnExitedAsync(SystemdManager systemd, string name, int code)
    {
        ContainerPlan c = Container(name);
        ContainerStatus s = Statuses[name];
        _prober?.Cancel(name);
        _hostPids.TryRemove(name, out _);
        s.State = "exited";
        if (s.Ready && !PodStopping && (c.Readiness is not null || s.Notify))
        {
            // Its readiness ends with the run, as its entry said it began (a follower of the
            // entries saw ready, then ready again after a crash; review of the merged health
            // change, 2026-12-07, finding 5). Not at the pod's stop: one entry per container.
            _eventLog?.ReadinessChanged(name, ready: false, code == 0 ? "it exited" : $"it exited with status {code}");
        }
        s.Ready = false;
        s.LastExitCode = code;
        // Not when the stop's grace period ran out; only with a limit, and an OOM kill counted.
        // Before a probe's kill: the kernel's kill during the kill's grace period is what
        // ended the run (the probe failed as it thrashed at its limit), as the kubelet's reason
        // comes from the runtime and the probe's failure is an event.
        bool oom = code == 128 + 9 && !Stopping && HasMemoryLimit(c) && KilledByOom(s);
        s.LastExitReason = oom ? "OOMKilled" : s.KilledBy ?? (code == 0 ? "Completed" : "Error");
        if (s.LastExitReason == "OOMKilled")
        {
            // That kill is this run's: it must not count for another container's later SIGKILL.
            OomKills.Counts now = OomCounts();
            foreach (ContainerStatus other in Statuses.Values)
            {
                other.OomKillsAtStart = other == s || other.OomKillsAtStart is null ? other.OomKillsAtStart : now;
            }
        }
        SaveStatuses();
        // Whatever the run left in its scope goes with it, whether it runs again or not: in a
        // pod sharing its PID namespace, a `daemon & exit 0` under restartPolicy Never left the
        // daemon running for the rest of the pod, holding the container's output open, and
        // SIGKILLed without a SIGTERM at the pod's stop (supervision review of 2026-12-06,
        // finding 6); containerd's shim kills a container's every process when its first one
        // exits and it has no PID namespace of its own. With one (the default) the kernel has
        // done so already.
        if (_placed.Contains(name))
        {
            try
            {
                await systemd.KillUnitAsync(ContainerUnits.ScopeName(_plan.Name, name), KillWho.All, LibcExtra.SIGKILL).ConfigureAwait(false);
            }
            catch (SystemdCallException)
            {
                // already gone with its last process: the usual case
            }
        }
    }

    private bool HasMemoryLimit(ContainerPlan c) => c.MemoryMaxBytes is not null || _plan.MemoryMaxBytes is not null;

    /// <summary>Whether a SIGKILL was the OOM killer's: the container's own memory cgroup says
    /// exactly while its scope is still there; once systemd has removed it, whether the
    /// pod's count (else the host's) grew during the run (<see cref="OomKills"/>).</summary>
    private bool KilledByOom(ContainerStatus s) =>
        OomKills.InCgroup(ContainerUnits.CgroupPath(_plan.Name, s.Name)) is long own
            ? own > 0
            : s.OomKillsAtStart is not { } atStart || OomKills.Counts.Grew(atStart, OomCounts());

    private OomKills.Counts OomCounts() => OomKills.Counts.Now(ContainerUnits.SliceCgroupPath(_plan.Name));

    /// <summary>"restarting C DELAY": the pod init starts it again after its back-off.</summary>
    private void OnRestarting(string name, int delaySeconds)
    {
        ContainerStatus s = Statuses[name];
        s.State = "restarting";
        s.RestartAt = DateTime.UtcNow.AddSeconds(delaySeconds);
        _exits.Remove(name); // not the pod's end: it runs again
        _eventLog?.ContainerRestarting(name, delaySeconds, s.Restarts + 1, Reason(s));
        SaveStatuses();
        ReportStatus();
    }

    private static string Reason(ContainerStatus s) => s.LastExitReason switch
    {
        "Completed" => "exited with status 0",
        "Error" or "OOMKilled" => $"exited with status {s.LastExitCode}" + (s.LastExitReason == "OOMKilled" ? " (OOMKilled)" : ""),
        { } other => $"its {other}",
        null => "it exited",
    };

    /// <summary>READY=1, once: every container (init containers aside) is ready, or has
    /// ended for good (the pod's status will say why). A container that exited and will
    /// start again after its back-off (its policy says so; the pod init's "restarting"
    /// comes next) has not: a crash-looping container keeps `systemctl start` waiting, as
    /// it keeps a Kubernetes pod NotReady.</summary>
    private void EvaluateReady()
    {
        // Not before the network and the machine are there: a container that gave up waiting
        // for its "go" (the attachment failed) has ended, not become ready.
        if (_readySent || Stopping || !_registered)
        {
            return;
        }
        bool ready = _plan.Containers.Where(Serves).All(c => Statuses[c.Name] is { } s && (s.Ready || EndedForGood(c, s)));
        if (ready)
        {
            _readySent = true;
            if (!_events.Writer.TryWrite(new SupervisionEvent.Ready()))
            {
                // The pod init is gone and the control thread has completed the channel: a
                // one-shot pod whose last container ended at once. The loop still reads what
                // was queued, but a Ready written now is lost, and systemd failed such a pod
                // with 'protocol' (no READY=1 before the exit), as a CI run saw. Said here.
                OnReady();
            }
        }
    }

    /// <summary>Whether a container will not run again. A sidecar restarts whatever its exit,
    /// until the pod ends by itself (its other containers done, under restartPolicy Never or
    /// OnFailure): then the pod init stops it, and it too has ended for good. Without that, a job
    /// whose sidecar was not ready yet never sent READY=1, and systemd failed the unit ('protocol').</summary>
    private bool EndedForGood(ContainerPlan c, ContainerStatus s) =>
        (c.Sidecar && _podInitStopping && !Stopping)
        || (s.State == "exited" && _exits.TryGetValue(c.Name, out int code)
            && (_plan.Interactive || !RestartBackOff.ShouldRestart(c.Restart, code, killedByProbe: s.KilledBy is { } k && k != PostStartFailed)));

    /// <summary>
    /// The pod has ended: a container caught in its back-off ("restarting") or between a
    /// restart's start and its exec ("waiting") will not run again. Its saved status, which
    /// becomes the last run's (ContainerStatus.KeepLast), says how its last run ended, not a
    /// restart time that never comes (docs/health.md). A container that never ran stays waiting.
    /// </summary>
    private void FinishStatuses()
    {
        if (_statuses is null)
        {
            return;
        }
        foreach (ContainerStatus s in _statuses.Values)
        {
            if (s.State is "restarting" or "waiting" && s.LastExitCode is not null)
            {
                s.State = "exited";
                s.RestartAt = null;
                s.Ready = false;
            }
        }
        SaveStatuses();
    }

    private void SaveStatuses()
    {
        try
        {
            ContainerStatus.Save(_plan.Name, _plan.Containers.Select(c => Statuses[c.Name]));
        }
        catch (IOException e)
        {
            Log($"saving the containers' status: {e.Message}");
        }
    }

    private ContainerPlan Container(string name) => _plan.Containers.Single(c => c.Name == name);

    /// <summary>The containers whose readiness is the pod's, as in Kubernetes: the containers
    /// and the sidecars, not the init containers that run to completion.</summary>
    private static bool Serves(ContainerPlan c) => !c.Init || c.Sidecar;

    private static string Kind(ProbeWorker w) => $"{w.Kind.ToString().ToLowerInvariant()} probe";

    private void DisposeHealth()
    {
        _prober?.Dispose();
        _netnsSockets?.Dispose();
    }
}

using PodUnits.Runtime.Health;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Lifecycle hooks (docs/health.md), run from the executor as probes are (ProbeRunner):
/// postStart once a run's command runs, holding its probes (and, for a sidecar or as the
/// kubelet's sequential starts do, the next container: "up") until it has ended; a failed
/// postStart kills the run, which restarts as its policy says. preStop when the pod init asks
/// ("prestop C PID", before that run's SIGTERM); whatever its outcome, "prestopped C PID"
/// lets the SIGTERM go. The hooks run off the supervision loop; their outcomes come back as
/// <see cref="SupervisionEvent.Hooked"/>.
/// </summary>
public sealed partial class PodExecutor
{
    /// <summary>ContainerStatus.KilledBy of a run a failed postStart hook had killed: unlike a
    /// probe's kill, it restarts as its status says (<see cref="EndedForGood"/>).</summary>
    private const string PostStartFailed = "postStart hook failed";

    private void RunPostStart(SystemdManager systemd, ContainerPlan c, ContainerStatus s, HookPlan hook) =>
        RunHook(systemd, c, s.PodPid, hook, postStart: true, Timeout.InfiniteTimeSpan);

    /// <summary>"prestop C PID": the pod init holds that run's SIGTERM until we answer.</summary>
    private void OnPreStop(SystemdManager systemd, string name, int podPid, int secondsLeft)
    {
        ContainerPlan c = Container(name);
        ContainerStatus s = Statuses[name];
        // Only for a run whose command runs, as the kubelet runs no preStop for a container
        // that never started: a run still waiting for "go" or setting up its root is in a
        // mount namespace whose root is the host's until its pivot_root, and the hook would
        // join it and run there (health review of 2026-12-06, finding 1).
        if (c.PreStop is not { } hook || _plan.Interactive || s.State != "running" || s.PodPid != podPid)
        {
            _control?.Send(new PodControlMessage.PreStopped(name, podPid));
            return;
        }
        // The pod init sends SIGTERM at the end of the grace period whether or not the hook
        // has ended; the hook is not run longer than that. The pod init says how long is left:
        // a probe's kill has the probe's own grace period if it sets one, a stop the pod's,
        // and a stop during a probe's kill whichever ends first.
        int grace = secondsLeft;
        _preStopStarted[name] = (Environment.TickCount64, grace);
        RunHook(systemd, c, podPid, hook, postStart: false, TimeSpan.FromSeconds(grace));
    }

    /// <summary>When each container's preStop hook began (TickCount64) and the grace period it
    /// had, to tell a hook cut off at the grace period's end from one that failed on its own.</summary>
    private readonly Dictionary<string, (long Started, int GraceSeconds)> _preStopStarted = new(StringComparer.Ordinal);

    /// <summary>What a preStop hook's failure says: a hook still running when the grace period
    /// ran out was stopped with its container, which is not the hook's own failure (tour G:
    /// "command exited with 137").</summary>
    private string PreStopFailure(string name, ProbeOutcome outcome)
    {
        bool cutOff = _preStopStarted.Remove(name, out (long Started, int GraceSeconds) hook)
            && Environment.TickCount64 - hook.Started >= (hook.GraceSeconds * 1000L) - 250;
        return cutOff
            ? $"it had not ended when terminationGracePeriodSeconds ({hook.GraceSeconds} s) ran out and was stopped with its container"
            : outcome.Message;
    }

    private void RunHook(SystemdManager systemd, ContainerPlan c, int podPid, HookPlan hook, bool postStart, TimeSpan timeout)
    {
        ProbeRunner runner = Runner(systemd);
        int hostPid = _hostPids.TryGetValue(c.Name, out int pid) ? pid : 0;
        _hooks.RemoveAll(t => t.IsCompleted);
        _hooks.Add(Task.Run(async () =>
        {
            ProbeOutcome outcome;
            try
            {
                outcome = hostPid == 0
                    ? ProbeOutcome.Failed("the container is not running")
                    : await runner.RunHookAsync(c, hostPid, hook, timeout, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // every outcome must reach the loop: a hook that never reports holds the start (postStart) or the SIGTERM (preStop) for good
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = ProbeOutcome.Failed(e is Core.Errors.PodUnitsException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            }
            if (!_events.Writer.TryWrite(new SupervisionEvent.Hooked(c.Name, podPid, postStart, outcome)) && !postStart && !outcome.Success)
            {
                // The pod ended first (its grace period ran out, the container went and the
                // hook with it): the loop is gone, and the clean-up waits for this.
                _eventLog?.HookFailed(c.Name, "preStop", PreStopFailure(c.Name, outcome), "it gets its SIGTERM now");
            }
        }));
    }

    /// <summary>Hooks still running: a preStop hook cut off at the grace period's end ends
    /// with its container, about when the pod does, and its outcome is still said.</summary>
    private readonly List<Task> _hooks = [];

    /// <summary>Waits (briefly) for hooks still running, so their last outcomes are told.</summary>
    private async Task HooksEndedAsync()
    {
        Task[] running = [.. _hooks.Where(t => !t.IsCompleted)];
        if (running.Length > 0)
        {
            await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }
    }

    /// <summary>A hook ended (on the supervision loop).</summary>
    private void OnHooked(SystemdManager systemd, string name, int podPid, bool postStart, ProbeOutcome outcome)
    {
        ContainerPlan c = Container(name);
        ContainerStatus s = Statuses[name];
        if (!postStart)
        {
            if (!outcome.Success)
            {
                _eventLog?.HookFailed(name, "preStop", PreStopFailure(name, outcome), "it gets its SIGTERM now");
            }
            _preStopStarted.Remove(name);
            _control?.Send(new PodControlMessage.PreStopped(name, podPid));
            return;
        }
        if (s.PodPid != podPid || s.State != "running" || PodStopping)
        {
            return; // about a run that has ended, or one the pod's stop ends anyway
        }
        if (outcome.Success)
        {
            AfterPostStart(systemd, c, s);
            SaveStatuses();
            EvaluateReady();
            ReportStatus();
            return;
        }
        s.KilledBy = PostStartFailed;
        NotReadyWhileKilled(name, s.KilledBy);
        SaveStatuses();
        ReportStatus();
        _eventLog?.HookFailed(name, "postStart", outcome.Message, c.Restart switch
        {
            ContainerRestart.Never => "killing it; it will not restart (restartPolicy Never)",
            ContainerRestart.OnFailure => "killing it; it will restart unless it exits 0 (restartPolicy OnFailure)",
            _ => "killing it; it will restart",
        });
        _control?.Send(new PodControlMessage.KillContainer(name, podPid, _plan.TerminationGracePeriodSeconds, ByProbe: false));
    }

    /// <summary>"up C PID" once the run no longer holds back the next container: a sidecar
    /// when its postStart hook has ended well and its startup probe passed, another container
    /// with a postStart hook when that has ended well. Nobody waits for the others.</summary>
    private void SendUpIfDue(ContainerPlan c, ContainerStatus s)
    {
        bool due = c.Sidecar ? s.PostStartDone && s.Started : c.PostStart is not null && s.PostStartDone;
        if (due)
        {
            _control?.Send(new PodControlMessage.Up(c.Name, s.PodPid));
        }
    }
}

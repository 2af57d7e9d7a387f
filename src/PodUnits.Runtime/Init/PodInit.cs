using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// PodUnits' pod init: PID 1 of the pod's PID namespace (a fresh NativeAOT process the
/// executor spawned into new namespaces). It prepares the pod, starts the init containers
/// one after another (a native sidecar is not waited for to end, only to be up) and then the
/// containers, reaps every process that ends up orphaned in the pod, and stops the pod on
/// SIGTERM or SIGRTMIN+4 (machinectl poweroff): each container after its preStop hook, the
/// sidecars after the others, in reverse order (<see cref="FinishStop"/>); SIGINT
/// (machinectl reboot) stops it and exits with <see cref="RebootExitCode"/>, which
/// pod@.service restarts on. Its descriptors are laid out by <see cref="PodInitDescriptors"/>.
/// </summary>
public sealed class PodInit : IDisposable
{
    public const int RebootExitCode = 82;
    /// <summary>SIGRTMIN+4 with glibc (SIGRTMIN is 34): systemd's "halt/poweroff" request.</summary>
    public const int SigPoweroff = 38;

    private readonly PodPlan _plan;
    private readonly ControlChannel _control = new(PodInitDescriptors.Control);
    private readonly object _lock = new();
    private readonly Dictionary<int, ContainerPlan> _running = [];
    /// <summary>The "go" pipe of each container's run waiting for it, with the run's PID.</summary>
    private readonly Dictionary<string, (int Pid, int Fd)> _syncFds = new(StringComparer.Ordinal);
    /// <summary>Containers still waiting for "go" when the pod stopped: they never ran, and
    /// their exit (125, or the stop's SIGTERM) is not the pod's.</summary>
    private readonly HashSet<string> _neverRan = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exitCodes = new(StringComparer.Ordinal);
    /// <summary>Containers whose last run ended after a stop was asked for: only their
    /// SIGTERM's status is the stop's (one a probe killed before it stays a failure).</summary>
    private readonly HashSet<string> _endedByStop = new(StringComparer.Ordinal);
    private readonly HashSet<int> _outputFds = [];
    // Per-container restarts (restartPolicy as Kubernetes applies it to each container).
    private readonly Dictionary<string, RestartBackOff> _backOffs = new(StringComparer.Ordinal);
    /// <summary>When each container's current run started (Stopwatch timestamps: monotonic).</summary>
    private readonly Dictionary<string, long> _startedAt = new(StringComparer.Ordinal);
    /// <summary>Containers whose current run a "kill" was acted on for.</summary>
    private readonly HashSet<string> _killed = new(StringComparer.Ordinal);
    /// <summary>Of those, the ones a probe's kill: they restart whatever their status.</summary>
    private readonly HashSet<string> _killedByProbe = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Timer> _timers = new(StringComparer.Ordinal);
    // Lifecycle: the executor's "up C PID" (postStart done, startup probe passed) and
    // "prestopped C PID" (preStop hook done), by the run's pod PID.
    private readonly HashSet<int> _up = [];
    private readonly HashSet<int> _preStopped = [];
    /// <summary>Runs a Terminate has begun with (preStop asked for, or SIGTERM sent): a stop
    /// that comes while a probe's kill is under way waits for that run with the rest, and
    /// runs its preStop hook no second time.</summary>
    private readonly HashSet<int> _terminating = [];
    /// <summary>Runs whose preStop hook was asked for and whose SIGTERM has not gone yet:
    /// whichever Terminate sees the hook end (or its deadline) first sends it, once.</summary>
    private readonly HashSet<int> _awaitingTerm = [];
    private bool _executorGone;
    private bool _finishing;
    /// <summary>The pod's user namespace (hostUsers: false), or -1.</summary>
    private int _usersFd = -1;
    /// <summary>The machine leader in it (<see cref="PodMachineLeader"/>), or 0.</summary>
    private int _leaderPid;
    /// <summary>Set when a container starts: the reaper, with no child to wait for, blocks on
    /// it. Never disposed (one pod init per process): the reaper may still wait on it while
    /// the process exits.</summary>
    private static readonly AutoResetEvent ChildStarted = new(false);
    private bool _drained;
    private bool _stopRequested;
    private bool _reboot;

    private PodInit(PodPlan plan) => _plan = plan;

    public static int Run(string planPath)
    {
        string json = File.ReadAllText(planPath);
        PodPlan plan = PodPlan.FromJson(json, planPath);
        IEnumerable<int> inherited = PodInitDescriptors.Outputs(plan.Containers.Count).Prepend(PodInitDescriptors.Control);
        foreach (int fd in plan.Terminal ? inherited.Append(PodInitDescriptors.Terminal(plan.Containers.Count)) : inherited)
        {
            Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD");
        }
        PodInitActivation.Adopt(plan);
        if (State.PlanHandoff.FdOf(planPath) is int planFd)
        {
            LibcExtra.close(planFd); // read; the copy in the pod's /run is what the pod uses
        }
        using var init = new PodInit(plan);
        init._outputFds.UnionWith(PodInitDescriptors.Outputs(plan.Containers.Count));
        return init.Supervise(json);
    }

    public void Dispose() => _control.Dispose();

    private int Supervise(string json)
    {
        try
        {
            int hostTree = PodInitSetup.PrepareNamespaces(_plan);
            if (_plan.Users is { } users)
            {
                // As early as the pod's /proc allows: the executor registers the machine once
                // the leader is there, and the containers start only after that.
                _usersFd = PodUserNamespace.Create(_plan.Name, users);
                (_leaderPid, int leaderFd) = PodMachineLeader.Start(_usersFd);
                _control.Send(new PodControlMessage.Leader(), [leaderFd]);
                LibcExtra.close(leaderFd);
            }
            PodInitSetup.Prepare(_plan, json, hostTree);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
        {
            _control.Send(new PodControlMessage.Failed($"pod setup: {e.Message}"));
            return 125;
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; RequestStop(false); });
        using var poweroff = PosixSignalRegistration.Create((PosixSignal)SigPoweroff, c => { c.Cancel = true; RequestStop(false); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; RequestStop(true); });
        new Thread(Reap) { IsBackground = true, Name = "reaper" }.Start();
        new Thread(ReadControl) { IsBackground = true, Name = "control" }.Start();
        _control.Send(new PodControlMessage.SetupDone());

        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            ContainerPlan c = _plan.Containers[i];
            if (!c.Init)
            {
                continue;
            }
            if (FirstStart(i) is int refused)
            {
                return FinishStop(refused);
            }
            if (c.Sidecar)
            {
                // Kubernetes 1.29+: the next init container waits until the sidecar is up
                // (its postStart hook done, its startup probe passed), not until it ends.
                if (!WaitUntilUp(c.Name, anyRun: true))
                {
                    return FinishStop(0);
                }
                continue;
            }
            int code = WaitForExit(c.Name);
            if (code != 0)
            {
                // An init container that failed for good (restartPolicy Never; under the
                // others it is retried with back-off until it succeeds) fails the pod.
                return FinishStop(_stopRequested ? 0 : code);
            }
        }
        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            ContainerPlan c = _plan.Containers[i];
            if (c.Init)
            {
                continue;
            }
            if (FirstStart(i) is int refused)
            {
                return FinishStop(refused);
            }
            // As the kubelet, which starts the containers one by one and returns from each
            // start only once its postStart hook has run: the next container starts after it
            // (a way manifests order a proxy before its app).
            if (c.PostStart is not null && !WaitUntilUp(c.Name, anyRun: false))
            {
                return FinishStop(0);
            }
        }
        lock (_lock)
        {
            // The pod runs while a container (sidecars aside: they serve the others) runs or
            // waits out its back-off to start again.
            while ((_running.Values.Any(c => !c.Sidecar) || _timers.Keys.Any(n => !Plan(n).Sidecar)) && !_stopRequested)
            {
                Monitor.Wait(_lock);
            }
        }
        return FinishStop(PodExitCode());
    }

    /// <summary>A container's first start, on the main thread: null once it runs; else the
    /// pod's status, 0 when a stop came first (the stop's), <see cref="ContainerCommand.SetupFailed"/>
    /// when the start itself failed (no descriptor, no memory, the pids limit). The pod then
    /// stops as in a stop: were the exception to end this process, PID 1 of the pod, the
    /// kernel would SIGKILL every container at once.</summary>
    private int? FirstStart(int index)
    {
        try
        {
            return StartContainer(index) ? null : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PodUnitsException)
        {
            _control.Send(new PodControlMessage.Failed($"container {_plan.Containers[index].Name}: cannot start it: {e.Message}"));
            return ContainerCommand.SetupFailed;
        }
    }

    private bool StartContainer(int index)
    {
        ContainerPlan c = _plan.Containers[index];
        lock (_lock)
        {
            if (_stopRequested || _finishing)
            {
                return false;
            }
            (int syncRead, int syncWrite) = Spawner.Pipe();
            (int execRead, int execWrite) = Spawner.Pipe();
            // The host's node on a read-write mount: become.c puts the container's read-only
            // /dev/null in its place (stage 1 native review of 2026-12-07, finding 2).
            int devNull = Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_CLOEXEC | 2, 0), "open", "/dev/null");
            int pid;
            try
            {
                IReadOnlyList<string> env = PodInitActivation.WithEnvironment(_plan, c,
                    Verbosity.IsOn ? [$"PATH={CommandResolver.DefaultPath}", $"{Verbosity.Variable}=1"] : [$"PATH={CommandResolver.DefaultPath}"]);
                // `run -i` keeps the executor's stdin: the caller's pipe or file, or a pipe the
                // executor fills from the caller's terminal (Attach/CallerInput.cs); its output
                // goes through the pipes like any container's, and the executor copies it to the
                // caller (Attach/CallerOutput.cs).
                IReadOnlyList<(int From, int To)> fds = PodInitActivation.WithDescriptors(_plan, c, _plan.Terminal
                    ? [(0, 0), (1, 1), (2, 2), (syncRead, ContainerStart.SyncFd), (execWrite, ContainerStart.ExecFd),
                        (PodInitDescriptors.Terminal(_plan.Containers.Count), ContainerStart.TerminalFd)]
                    : [(_plan.Interactive ? 0 : devNull, 0), (PodInitDescriptors.Output(index, stderr: false), 1), (PodInitDescriptors.Output(index, stderr: true), 2),
                        (syncRead, ContainerStart.SyncFd), (execWrite, ContainerStart.ExecFd)]);
                if (_usersFd >= 0)
                {
                    // After every other descriptor, and the variable says where (Container/ContainerUsers.cs).
                    int to = fds.Max(f => f.To) + 1;
                    (env, fds) = ([.. env, $"{ContainerUsers.DescriptorVariable}={to}"], [.. fds, (_usersFd, to)]);
                }
                // shareProcessNamespace: false gives the container a PID namespace of its own
                // (nested in the pod's, so the pod init still sees and reaps it), where its
                // command is PID 1 and no other container's processes, environment or root
                // can be reached through /proc. Otherwise all share the pod's.
                pid = _plan.ShareProcessNamespace
                    ? Spawner.Spawn(Executor.Stage1.Self,
                        [Executor.Stage1.FileName, "container-start", State.PodPaths.InsidePodPlan, c.Name], env, fds, newSession: true)
                    : Spawner.SpawnUnshared(LibcExtra.CLONE_NEWPID, "container PID namespace", null, Executor.Stage1.Self,
                        [Executor.Stage1.FileName, "container-start", State.PodPaths.InsidePodPlan, c.Name], env, fds, newSession: true);
            }
            catch
            {
                LibcExtra.close(execRead);
                throw;
            }
            finally
            {
                LibcExtra.close(syncRead);
                LibcExtra.close(execWrite);
                LibcExtra.close(devNull);
                if (c.Restart == ContainerRestart.Never || _plan.Interactive)
                {
                    // The container holds its output pipes now; our copies would keep them
                    // from ending when it does. One that may restart needs them again.
                    CloseOutputs(index);
                }
            }
            _running[pid] = c;
            ChildStarted.Set();
            _startedAt[c.Name] = System.Diagnostics.Stopwatch.GetTimestamp();
            _syncFds[c.Name] = (pid, syncWrite);
            _control.Send(new PodControlMessage.Started(c.Name, pid));
            new Thread(() => WatchExec(c.Name, pid, execRead)) { IsBackground = true, Name = $"exec {c.Name}" }.Start();
            return true;
        }
    }

    /// <summary>Reports "running C PID" once container-start has exec'd the container's
    /// command: its close-on-exec end of the pipe closes with nothing written. A byte means it
    /// failed (its exit says how). Said under the lock, while the run is still there: the
    /// reaper says its "exited" under the same lock, so a run's "running" never follows it.</summary>
    private unsafe void WatchExec(string container, int pid, int fd)
    {
        byte failed;
        long n;
        do
        {
            n = LibcExtra.read(fd, &failed, 1);
        }
        while (n < 0 && Marshal.GetLastPInvokeError() == Tmds.Linux.LibC.EINTR);
        LibcExtra.close(fd);
        if (n == 0)
        {
            lock (_lock)
            {
                if (_running.TryGetValue(pid, out ContainerPlan? run) && run.Name == container)
                {
                    _control.Send(new PodControlMessage.Running(container, pid));
                }
            }
        }
    }

    private void CloseOutputs(int index)
    {
        CloseOutput(PodInitDescriptors.Output(index, stderr: false));
        CloseOutput(PodInitDescriptors.Output(index, stderr: true));
    }

    private void CloseOutput(int fd)
    {
        if (_outputFds.Remove(fd))
        {
            LibcExtra.close(fd);
        }
    }

    /// <summary>Waits until the executor says <paramref name="name"/> is "up", it has ended for
    /// good, or the pod stops (false). <paramref name="anyRun"/> (a sidecar): a run that ends
    /// before it is up starts again after its back-off, and the next run's "up" is awaited;
    /// else (a postStart hook) the run that was just started ending is enough, as the kubelet
    /// goes on to the next container when a start fails.</summary>
    private bool WaitUntilUp(string name, bool anyRun)
    {
        lock (_lock)
        {
            int first = _running.FirstOrDefault(r => r.Value.Name == name).Key;
            while (!_stopRequested && !_exitCodes.ContainsKey(name) &&
                !_running.Any(r => r.Value.Name == name && _up.Contains(r.Key)) &&
                (anyRun || _running.ContainsKey(first)))
            {
                Monitor.Wait(_lock);
            }
            return !_stopRequested;
        }
    }

    private ContainerPlan Plan(string name) => _plan.Containers.First(c => c.Name == name);

    private int WaitForExit(string name)
    {
        lock (_lock)
        {
            while (!_exitCodes.ContainsKey(name) && !_stopRequested)
            {
                Monitor.Wait(_lock);
            }
            return _exitCodes.TryGetValue(name, out int code) ? code : -1;
        }
    }

    /// <summary>The pod's status: 0 when every container ended well (a stop's SIGTERM counts
    /// as well), else the first failing container's code.</summary>
    private int PodExitCode()
    {
        lock (_lock)
        {
            // A sidecar does not count: it is stopped once the others have ended, so its
            // SIGTERM's status says nothing of how the pod did.
            return PodExitCode(_plan.Containers.Where(c => !c.Sidecar).Select(c => c.Name), _exitCodes, _endedByStop);
        }
    }

    /// <summary>The rule of <see cref="PodExitCode()"/>, over the containers' names in plan
    /// order (init containers first), the codes of those that ended, and which of them ended
    /// after a stop was asked for (their 143 is the stop's SIGTERM, no failure).</summary>
    internal static int PodExitCode(IEnumerable<string> containers, IReadOnlyDictionary<string, int> exitCodes, IReadOnlySet<string> endedByStop) =>
        containers.Select(name => (name, code: exitCodes.TryGetValue(name, out int code) ? code : 0))
            .FirstOrDefault(e => e.code != 0 && !(e.code == 128 + 15 && endedByStop.Contains(e.name))).code;

    /// <summary>
    /// A container ended (holding <see cref="_lock"/>): it starts again after its back-off
    /// when its policy says so (its exit is then not the pod's yet), otherwise its status
    /// counts for the pod and its output pipes close. A restart gets a fresh writable layer,
    /// as a new container does in Kubernetes; emptyDir volumes keep their contents. A run that
    /// <paramref name="neverRan"/> (it waited for "go" when the pod stopped) counts for nothing.
    /// </summary>
    private void OnExited(ContainerPlan c, int code, bool neverRan = false)
    {
        _killed.Remove(c.Name);
        bool killed = _killedByProbe.Remove(c.Name);
        if (_stopRequested)
        {
            _endedByStop.Add(c.Name);
        }
        if (neverRan)
        {
            // Whatever its status: its 125 when it read the closed "go" pipe, or the stop's
            // SIGTERM when that came first (FinishStop closes the pipe, then terminates it).
            CloseOutputs(_plan.Containers.IndexOf(c));
            return;
        }
        if (_stopRequested || _finishing || _plan.Interactive || !RestartBackOff.ShouldRestart(c.Restart, code, killed))
        {
            _exitCodes[c.Name] = code;
            CloseOutputs(_plan.Containers.IndexOf(c));
            return;
        }
        RestartBackOff backOff = _backOffs.TryGetValue(c.Name, out RestartBackOff? b) ? b : _backOffs[c.Name] = new RestartBackOff();
        TimeSpan delay = backOff.DelayAfter(System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt[c.Name]));
        _control.Send(new PodControlMessage.Restarting(c.Name, (int)delay.TotalSeconds));
        _timers[c.Name] = new Timer(_ => Restart(c), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>On a timer's thread: the back-off is over.</summary>
    private void Restart(ContainerPlan c)
    {
        lock (_lock)
        {
            if (_stopRequested || _finishing)
            {
                return; // FinishStop closes the outputs and drops the timers
            }
        }
        try
        {
            State.PodState.FreshLayer(c);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or State.DescriptorTreeException)
        {
            // EPERM on a file a privileged container made immutable, for one; or a sibling
            // that keeps writing in the old layer through /proc/PID/root.
            StageLog.Warning($"pod init: container {c.Name}: cannot renew its writable layer ({e.Message}); restarting on what is left of it");
        }
        lock (_lock)
        {
            if (_timers.Remove(c.Name, out Timer? timer))
            {
                timer.Dispose();
            }
            int index = _plan.Containers.IndexOf(c);
            try
            {
                if (!StartContainer(index))
                {
                    CloseOutputs(index); // stopping meanwhile
                }
            }
#pragma warning disable CA1031 // on a timer's thread an exception would end this process, PID 1 of the pod, and every container with it
            catch (Exception e)
#pragma warning restore CA1031
            {
                // A start that fails (no descriptor, no memory, the pids limit) is a run that
                // ended at once: the executor hears it, and the back-off decides what next.
                StageLog.Warning($"pod init: container {c.Name}: cannot start it again: {e.Message}");
                // A run of no time for the back-off: the last good run's start would make every
                // failed start after a long run look like one more long run, and reset the delay to 0.
                _startedAt[c.Name] = System.Diagnostics.Stopwatch.GetTimestamp();
                _control.Send(new PodControlMessage.Exited(c.Name, ContainerCommand.SetupFailed));
                OnExited(c, ContainerCommand.SetupFailed);
            }
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The executor's "kill C PID": its preStop hook (the kubelet runs it before any
    /// kill), SIGTERM, SIGKILL to its process group once the grace period is over if it is
    /// still the same process; it all happens on a thread of its own, which waits for the
    /// executor's "prestopped". What it leaves behind in its scope the executor kills when it
    /// hears the exit.</summary>
    private void Kill(string name, int pid, int graceSeconds, bool byProbe)
    {
        lock (_lock)
        {
            if (!_running.TryGetValue(pid, out ContainerPlan? run) || run.Name != name || _stopRequested || _finishing)
            {
                // That run is gone already (the next one is not the kill's), or the pod stops
                // (a poweroff, its natural end with sidecars left): as the kubelet stops
                // probing a pod being deleted, a probe that fails while a container drains
                // must not run its preStop hook a second time nor cut the stop's grace
                // period short.
                return;
            }
            _killed.Add(name);
            if (byProbe)
            {
                _killedByProbe.Add(name); // restarts whatever its status; a hook's kill lets the status decide
            }
            DateTime deadline = MonotonicNow.AddSeconds(graceSeconds);
            new Thread(() =>
            {
                lock (_lock)
                {
                    // Looked at again: the run may have ended, and been reaped, before this
                    // thread got the lock; its PID is no one's now (health review of
                    // 2026-12-06, finding 7). Nor once the pod stops: the stop's grace period
                    // holds then, not the probe's (own-diff review of 2026-12-06, finding 6).
                    if (_running.TryGetValue(pid, out ContainerPlan? still) && still.Name == name)
                    {
                        if (_stopRequested || _finishing)
                        {
                            // The stop came first (in the moment before this thread ran): no
                            // kill of the probe's any more, so the run's end is not its.
                            _killed.Remove(name);
                            _killedByProbe.Remove(name);
                        }
                        else
                        {
                            Terminate([pid], deadline);
                        }
                    }
                }
            })
            { IsBackground = true, Name = $"kill {name}" }.Start();
        }
    }

    private void RequestStop(bool reboot)
    {
        lock (_lock)
        {
            _reboot |= reboot;
            _stopRequested = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>
    /// Stops what still runs, as the kubelet stops a pod: every container but the sidecars
    /// at once, each after its preStop hook; once they have ended, the sidecars one by one in
    /// reverse order of the plan, each after its hook. One grace period covers it all;
    /// SIGKILL to whatever is left of the pod at its end. Then waits until the pod is empty
    /// (the reaper collects it).
    /// </summary>
    private int FinishStop(int code)
    {
        DateTime deadline = MonotonicNow.AddSeconds(_plan.TerminationGracePeriodSeconds);
        lock (_lock)
        {
            _finishing = true;
            _control.Send(new PodControlMessage.Stopping()); // no kill is acted on from now: no probing either
            foreach (Timer timer in _timers.Values)
            {
                timer.Dispose(); // containers waiting out their back-off stay down
            }
            _timers.Clear();
            foreach ((_, int fd) in _syncFds.Values)
            {
                LibcExtra.close(fd); // containers still waiting for "go" give up
            }
            _neverRan.UnionWith(_syncFds.Keys);
            _syncFds.Clear();
            bool overran = Terminate([.. _running.Where(r => !r.Value.Sidecar).Select(r => r.Key)], deadline);
            DateTime last = deadline;
            foreach (ContainerPlan sidecar in _plan.Containers.Where(c => c.Sidecar).Reverse())
            {
                int[] pids = [.. _running.Where(r => r.Value == sidecar).Select(r => r.Key)];
                if (pids.Length == 0)
                {
                    continue;
                }
                // As the kubelet: a sidecar's turn comes with what is left of the grace period,
                // but at least MinimumGrace, so one the main containers left no time still gets
                // its SIGTERM and a moment to flush what it carries for them.
                DateTime own = MonotonicNow + MinimumGrace > deadline ? MonotonicNow + MinimumGrace : deadline;
                overran |= Terminate(pids, own);
                last = own > last ? own : last;
            }
            WaitUntil(() => _running.Count == 0, overran ? last + PreStopExtension : last);
        }
        // Whatever is left of the containers; the leader stays until the pod's last line
        // (machined knows the pod by it until the executor unregisters the machine).
        KillAllBut(_leaderPid);
        lock (_lock)
        {
            while (_running.Count > 0)
            {
                Monitor.Wait(_lock); // the reaper pulses at every end
            }
            // The pod, its machine leader included, stays until the executor has every last
            // line in the journals (it says "drained" once every output pipe ended, which
            // our own copies of the pipes of containers never started would prevent).
            foreach (int fd in _outputFds.ToArray())
            {
                CloseOutput(fd);
            }
            _control.Send(new PodControlMessage.Finishing(_stopRequested));
            // A killed executor will never say "drained": the pod's end is not held up for it
            // (its unit waits for this process, and a Restart= with it).
            WaitUntil(() => _drained || _executorGone, MonotonicNow.AddSeconds(10));
        }
        LibcExtra.kill(-1, LibcExtra.SIGKILL);
        // No message for the executor: it learns the status by reaping this process.
        return _reboot ? RebootExitCode : code == 0 ? PodExitCode() : code;
    }

    /// <summary>The kubelet's one-time extension of the grace period for a container whose
    /// preStop hook was still running when the grace period ended.</summary>
    private static readonly TimeSpan PreStopExtension = TimeSpan.FromSeconds(2);

    /// <summary>The kubelet's minimumGracePeriodInSeconds: the least time a container gets
    /// between its SIGTERM and its SIGKILL.</summary>
    private static readonly TimeSpan MinimumGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stops these runs (pod PIDs) together, holding <see cref="_lock"/>: a container with a
    /// preStop hook gets "prestop" sent to the executor and its SIGTERM once the hook has
    /// ended, the others their SIGTERM at once; then waits until they have ended. At
    /// <paramref name="deadline"/> whatever is left gets SIGTERM if its hook still runs, and
    /// SIGKILL (to its process group) <see cref="PreStopExtension"/> later, else at once; but
    /// never sooner than <see cref="MinimumGrace"/> after the last SIGTERM (the kubelet's
    /// minimum: a hook that ended just before the deadline, a grace period of 0).
    /// Returns whether a hook overran the deadline.
    /// </summary>
    private bool Terminate(int[] pids, DateTime deadline)
    {
        DateTime lastTerm = MonotonicNow;
        var waiting = new List<int>();
        foreach (int pid in pids)
        {
            if (!_terminating.Add(pid))
            {
                // Being killed already (a probe's kill): its hook is not asked for again. If
                // it still runs, this deadline holds for it too, SIGTERM and extension
                // included: a stop in the middle of a probe's kill SIGKILLed a run whose hook
                // outlasted the pod's grace period without a SIGTERM (supervision review of
                // 2026-12-06, finding 4).
                if (_awaitingTerm.Contains(pid))
                {
                    waiting.Add(pid);
                }
                continue;
            }
            if (_running.TryGetValue(pid, out ContainerPlan? c) && c.PreStop is not null && !_executorGone)
            {
                _preStopped.Remove(pid);
                _awaitingTerm.Add(pid);
                // The hook's time is this deadline's: whole seconds, rounded up, at least one.
                int left = (int)Math.Clamp(Math.Ceiling((deadline - MonotonicNow).TotalSeconds), 1, int.MaxValue);
                _control.Send(new PodControlMessage.PreStop(c.Name, pid, left));
                waiting.Add(pid);
            }
            else if (_running.ContainsKey(pid))
            {
                LibcExtra.kill(pid, LibcExtra.SIGTERM);
            }
        }
        bool HookEnded(int pid) => _preStopped.Contains(pid) || !_awaitingTerm.Contains(pid) || !_running.ContainsKey(pid) || _executorGone;
        while (waiting.Count > 0)
        {
            WaitUntil(() => waiting.Any(HookEnded), deadline);
            bool late = MonotonicNow >= deadline;
            foreach (int pid in waiting.Where(p => late || HookEnded(p)).ToArray())
            {
                // Not to a run that ended during its hook: it was reaped, and its PID may be
                // another process's by now (supervision review of 2026-12-06, finding 3). Nor
                // a second time: the other Terminate waiting for this run may have sent it.
                if (_awaitingTerm.Remove(pid) && _running.ContainsKey(pid))
                {
                    LibcExtra.kill(pid, LibcExtra.SIGTERM);
                    Monitor.PulseAll(_lock); // the other one's hook has "ended" now
                }
                lastTerm = MonotonicNow;
                _preStopped.Remove(pid);
                waiting.Remove(pid);
            }
            if (late)
            {
                deadline += PreStopExtension;
                WaitUntil(() => pids.All(p => !_running.ContainsKey(p)), deadline);
                KillGroups(pids);
                return true;
            }
        }
        WaitUntil(() => pids.All(p => !_running.ContainsKey(p)), deadline > lastTerm + MinimumGrace ? deadline : lastTerm + MinimumGrace);
        KillGroups(pids);
        return false;
    }

    /// <summary>SIGKILL to each run still there and its process group.</summary>
    private void KillGroups(int[] pids)
    {
        foreach (int pid in pids.Where(_running.ContainsKey))
        {
            LibcExtra.kill(-pid, LibcExtra.SIGKILL);
            LibcExtra.kill(pid, LibcExtra.SIGKILL);
        }
    }

    /// <summary>
    /// Now on the monotonic clock (CLOCK_MONOTONIC, as Environment.TickCount64 reads it), as
    /// a DateTime for the deadlines' arithmetic only: never shown, never compared with a
    /// calendar time. Grace periods, sidecar turns and SIGKILL deadlines must not move with
    /// the wall clock: NTP's first step or a resume from suspend killed a draining container
    /// at once, or gave it the step's length more (health review of 2026-12-06, finding 2;
    /// the kubelet's are monotonic, as PodUnits' probes and back-off are).
    /// </summary>
    private static DateTime MonotonicNow => DateTime.MinValue.AddMilliseconds(Environment.TickCount64);

    /// <summary>Monitor.Wait takes at most int.MaxValue ms; a grace period may be longer.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>Waits, holding <see cref="_lock"/>, until <paramref name="done"/> holds or
    /// <paramref name="deadline"/> passes; whoever changes what it reads pulses the lock.</summary>
    private void WaitUntil(Func<bool> done, DateTime deadline)
    {
        while (!done() && deadline - MonotonicNow is { Ticks: > 0 } left)
        {
            Monitor.Wait(_lock, left < MaxWait ? left : MaxWait);
        }
    }

    /// <summary>SIGKILL to every process of the pod but PID 1 and the machine leader (0 when
    /// none; this /proc is the pod's).</summary>
    private static void KillAllBut(int leaderPid)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) &&
                pid != 1 && pid != leaderPid)
            {
                LibcExtra.kill(pid, LibcExtra.SIGKILL);
            }
        }
    }

    /// <summary>As PID 1 every orphan of the pod becomes our child: wait for any child. A
    /// child that ended is reaped under the lock, where it leaves the runs: until then its PID
    /// is its zombie's, so a signal sent under the lock to a run still listed can never reach
    /// another process that got the PID (own-diff review of 2026-12-06, finding 8).</summary>
    private void Reap()
    {
        while (true)
        {
            int pid = LibcExtra.PeekEndedChild();
            if (pid <= 0)
            {
                if (Marshal.GetLastPInvokeError() == Tmds.Linux.LibC.ECHILD)
                {
                    // No child just now (before the first container, or at the very end): wait for a
                    // container to start. An orphan can only be adopted from a descendant, but
                    // a process `podunits enter` put in a pod sharing its PID namespace has its
                    // parent outside: a second bounds how long such an orphan stays a zombie.
                    ChildStarted.WaitOne(TimeSpan.FromSeconds(1));
                }
                continue; // or interrupted
            }
            lock (_lock)
            {
                int reaped = LibcExtra.waitpid(pid, out int status, LibcExtra.WNOHANG);
                if (reaped != pid)
                {
                    if (reaped < 0 && _running.ContainsKey(pid))
                    {
                        // Reaped by someone else between the peek and now: its run has ended
                        // all the same, with a status nobody can tell any more.
                        StageLog.Warning($"pod init: the end of run {pid} was collected elsewhere; its status is taken as 255");
                        status = 255 << 8;
                    }
                    else
                    {
                        continue; // not ours to reap after all
                    }
                }
                if (pid == _leaderPid && !_finishing)
                {
                    (bool reboot, string why) = PodMachineLeader.StopFor(status);
                    StageLog.Information($"pod init: {why}: stopping the pod");
                    RequestStop(reboot);
                }
                _terminating.Remove(pid); // a later run may get the same PID
                _awaitingTerm.Remove(pid);
                if (_running.Remove(pid, out ContainerPlan? c))
                {
                    _up.Remove(pid);
                    _preStopped.Remove(pid);
                    int code = Spawner.ExitCodeOf(status);
                    if (_syncFds.Remove(c.Name, out (int Pid, int Fd) sync))
                    {
                        LibcExtra.close(sync.Fd);
                    }
                    // Said to the executor, which cannot tell a "go" that came too late from
                    // one that came in time: only here is it known (PodControlMessage.Exited).
                    bool neverRan = _neverRan.Remove(c.Name);
                    _control.Send(new PodControlMessage.Exited(c.Name, code, Killed: _killed.Contains(c.Name), NeverRan: neverRan));
                    OnExited(c, code, neverRan);
                    Monitor.PulseAll(_lock);
                }
            }
        }
    }

    /// <summary>Records an "up" or "prestopped" of a run that is still there (a late one about
    /// a run that has ended is dropped) and wakes whoever waits for it.</summary>
    private void Note(HashSet<int> runs, string name, int pid)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(pid, out ContainerPlan? c) && c.Name == name)
            {
                runs.Add(pid);
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>
    /// Whether the executor's "go C <paramref name="pid"/>" lets the run of C waiting for it
    /// (<paramref name="waitingPid"/>, null when none waits) exec. Only the run it is for: one
    /// that died after its placement may have been followed by the next, not yet in its scope.
    /// And not once a stop was asked for or the pod finishes: the kubelet starts no container
    /// in a terminating pod, and a "go" that crossed the executor's "stop" let a one-shot init
    /// container (a migration) begin and be cut off by the stop's SIGTERM (lifecycle review of
    /// 2026-12-07, finding 5). Its descriptor stays for <see cref="FinishStop"/>, which closes
    /// it: the run gives up, never ran, and its end counts for nothing.
    /// </summary>
    internal static bool ShouldLetGo(bool stopRequested, bool finishing, int? waitingPid, int pid) =>
        !stopRequested && !finishing && waitingPid == pid;

    private unsafe void ReadControl()
    {
        while (true)
        {
            PodControlMessage? message;
            try
            {
                message = _control.ReceiveMessage(out int[] fds);
                Array.ForEach(fds, fd => LibcExtra.close(fd)); // the executor sends none
            }
            catch (ProtocolException e)
            {
                StageLog.Error($"pod init: {e.Message}");
                continue;
            }
            switch (message)
            {
                case null:
                    lock (_lock)
                    {
                        _executorGone = true; // nobody runs hooks any more
                    }
                    RequestStop(false); // the executor is gone: nobody supervises the pod any more
                    return;
                case PodControlMessage.Go(string name, int pid):
                    lock (_lock)
                    {
                        bool waiting = _syncFds.TryGetValue(name, out (int Pid, int Fd) sync);
                        if (ShouldLetGo(_stopRequested, _finishing, waiting ? sync.Pid : null, pid))
                        {
                            _syncFds.Remove(name);
                            byte go = 1;
                            LibcExtra.write(sync.Fd, &go, 1);
                            LibcExtra.close(sync.Fd);
                        }
                    }
                    break;
                case PodControlMessage.Drained:
                    lock (_lock)
                    {
                        _drained = true;
                        Monitor.PulseAll(_lock);
                    }
                    break;
                case PodControlMessage.StopPod:
                    RequestStop(false);
                    break;
                case PodControlMessage.KillContainer(string name, int pid, int grace, bool byProbe):
                    Kill(name, pid, grace, byProbe);
                    break;
                case PodControlMessage.Up(string name, int pid):
                    Note(_up, name, pid);
                    break;
                case PodControlMessage.PreStopped(string name, int pid):
                    Note(_preStopped, name, pid);
                    break;
                default:
                    StageLog.Error($"pod init: protocol error: \"{message.Format()}\" is the pod init's own message");
                    break;
            }
        }
    }
}

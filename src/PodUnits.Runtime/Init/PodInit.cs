using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// PodUnits' pod init: PID 1 of the pod's PID namespace (a fresh NativeAOT process the
/// executor spawned into new namespaces). It prepares the pod, starts the init containers
/// one after another and then the containers, reaps every process that ends up orphaned in
/// the pod, and stops the pod on SIGTERM or SIGRTMIN+4 (machinectl poweroff); SIGINT
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
    private readonly Dictionary<string, int> _syncFds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exitCodes = new(StringComparer.Ordinal);
    private readonly HashSet<int> _outputFds = [];
    // Per-container restarts (restartPolicy as Kubernetes applies it to each container).
    private readonly Dictionary<string, RestartBackOff> _backOffs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _startedAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _killedByProbe = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Timer> _timers = new(StringComparer.Ordinal);
    private int _journaldPid;
    private bool _journaldExited;
    private bool _drained;
    private bool _stopRequested;
    private bool _reboot;

    private PodInit(PodPlan plan) => _plan = plan;

    public static int Run(string planPath)
    {
        string json = File.ReadAllText(planPath);
        PodPlan plan = PodPlan.FromJson(json, planPath);
        foreach (int fd in PodInitDescriptors.Outputs(plan.Containers.Count).Prepend(PodInitDescriptors.Control))
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
            PodInitSetup.Prepare(_plan, json);
            _journaldPid = PodJournald.Spawn();
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
        // The pod's journald opens its journal while the containers start; their first
        // lines wait in the executor's pipes until the streams are there.
        new Thread(() => PodJournalStreams.Send(_control, PodJournalStreams.Open(_plan, _journaldPid > 0 && PodJournald.WaitForSocket())))
        {
            IsBackground = true, Name = "journal streams",
        }.Start();

        for (int i = 0; i < _plan.Containers.Count; i++)
        {
            ContainerPlan c = _plan.Containers[i];
            if (!c.Init)
            {
                continue;
            }
            if (!StartContainer(i))
            {
                return FinishStop(0);
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
            if (!_plan.Containers[i].Init && !StartContainer(i))
            {
                return FinishStop(1);
            }
        }
        lock (_lock)
        {
            // The pod runs while a container runs or waits out its back-off to start again.
            while ((_running.Count > 0 || _timers.Count > 0) && !_stopRequested)
            {
                Monitor.Wait(_lock);
            }
        }
        return FinishStop(PodExitCode());
    }

    private bool StartContainer(int index)
    {
        ContainerPlan c = _plan.Containers[index];
        lock (_lock)
        {
            if (_stopRequested)
            {
                return false;
            }
            (int syncRead, int syncWrite) = Spawner.Pipe();
            (int execRead, int execWrite) = Spawner.Pipe();
            int devNull = Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_CLOEXEC | 2, 0), "open", "/dev/null");
            int pid;
            try
            {
                pid = Spawner.Spawn(Environment.ProcessPath ?? "/proc/self/exe",
                    [Executor.Stage1.FileName, "container-start", PodInitSetup.PlanPath, c.Name],
                    PodInitActivation.WithEnvironment(_plan, c,
                        Verbosity.IsOn ? [$"PATH={CommandResolver.DefaultPath}", $"{Verbosity.Variable}=1"] : [$"PATH={CommandResolver.DefaultPath}"]),
                    PodInitActivation.WithDescriptors(_plan, c, _plan.Interactive
                        ? [(0, 0), (1, 1), (2, 2), (syncRead, ContainerStart.SyncFd), (execWrite, ContainerStart.ExecFd)]
                        : [(devNull, 0), (PodInitDescriptors.Output(index, stderr: false), 1), (PodInitDescriptors.Output(index, stderr: true), 2), (syncRead, ContainerStart.SyncFd), (execWrite, ContainerStart.ExecFd)]),
                    newSession: true);
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
            _startedAt[c.Name] = DateTime.UtcNow;
            _syncFds[c.Name] = syncWrite;
            _control.Send(new PodControlMessage.Started(c.Name, pid));
            new Thread(() => WatchExec(c.Name, execRead)) { IsBackground = true, Name = $"exec {c.Name}" }.Start();
            return true;
        }
    }

    /// <summary>Reports "running C" once container-start has exec'd the container's command:
    /// its close-on-exec end of the pipe closes with nothing written. A byte means it failed
    /// (its exit says how).</summary>
    private unsafe void WatchExec(string container, int fd)
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
            _control.Send(new PodControlMessage.Running(container));
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
            return PodExitCode(_plan.Containers.Select(c => c.Name), _exitCodes, _stopRequested);
        }
    }

    /// <summary>The rule of <see cref="PodExitCode()"/>, over the containers' names in plan
    /// order (init containers first) and the codes of those that ended.</summary>
    internal static int PodExitCode(IEnumerable<string> containers, IReadOnlyDictionary<string, int> exitCodes, bool stopRequested) =>
        containers.Select(name => exitCodes.TryGetValue(name, out int code) ? code : 0)
            .FirstOrDefault(code => code != 0 && !(stopRequested && code == 128 + 15));

    /// <summary>
    /// A container ended (holding <see cref="_lock"/>): it starts again after its back-off
    /// when its policy says so (its exit is then not the pod's yet), otherwise its status
    /// counts for the pod and its output pipes close. A restart gets a fresh writable layer,
    /// as a new container does in Kubernetes; emptyDir volumes keep their contents.
    /// </summary>
    private void OnExited(ContainerPlan c, int code)
    {
        bool killed = _killedByProbe.Remove(c.Name);
        if (_stopRequested || _plan.Interactive || !RestartBackOff.ShouldRestart(c.Restart, code, killed))
        {
            _exitCodes[c.Name] = code;
            CloseOutputs(_plan.Containers.IndexOf(c));
            return;
        }
        RestartBackOff backOff = _backOffs.TryGetValue(c.Name, out RestartBackOff? b) ? b : _backOffs[c.Name] = new RestartBackOff();
        TimeSpan delay = backOff.DelayAfter(_startedAt[c.Name], DateTime.UtcNow);
        _control.Send(new PodControlMessage.Restarting(c.Name, (int)delay.TotalSeconds));
        _timers[c.Name] = new Timer(_ => Restart(c), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>On a timer's thread: the back-off is over.</summary>
    private void Restart(ContainerPlan c)
    {
        lock (_lock)
        {
            if (_stopRequested)
            {
                return; // FinishStop closes the outputs and drops the timers
            }
        }
        try
        {
            State.PodState.FreshLayer(c);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"pod init: container {c.Name}: cannot renew its writable layer ({e.Message}); restarting on the old one");
        }
        lock (_lock)
        {
            if (_timers.Remove(c.Name, out Timer? timer))
            {
                timer.Dispose();
            }
            if (!StartContainer(_plan.Containers.IndexOf(c)))
            {
                CloseOutputs(_plan.Containers.IndexOf(c)); // stopping meanwhile
            }
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The executor's "kill C": SIGTERM to the container's process now, SIGKILL to
    /// its process group after the grace period if it is still the same process. What it
    /// leaves behind in its scope the executor kills when it hears the exit.</summary>
    private void Kill(string name, int graceSeconds)
    {
        lock (_lock)
        {
            int pid = _running.FirstOrDefault(r => r.Value.Name == name).Key;
            if (pid == 0)
            {
                return; // already gone
            }
            _killedByProbe.Add(name);
            LibcExtra.kill(pid, LibcExtra.SIGTERM);
            Timer? killer = null;
            killer = new Timer(_ =>
            {
                lock (_lock)
                {
                    if (_running.ContainsKey(pid))
                    {
                        LibcExtra.kill(-pid, LibcExtra.SIGKILL);
                        LibcExtra.kill(pid, LibcExtra.SIGKILL);
                    }
                }
                killer?.Dispose();
            }, null, TimeSpan.FromSeconds(graceSeconds), Timeout.InfiniteTimeSpan);
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

    /// <summary>SIGTERM to every container, SIGKILL to whatever is left in the pod after the
    /// grace period, then wait until the pod is empty (the reaper collects them).</summary>
    private int FinishStop(int code)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(_plan.TerminationGracePeriodSeconds);
        lock (_lock)
        {
            foreach (Timer timer in _timers.Values)
            {
                timer.Dispose(); // containers waiting out their back-off stay down
            }
            _timers.Clear();
            foreach (int fd in _syncFds.Values)
            {
                LibcExtra.close(fd); // containers still waiting for "go" give up
            }
            _syncFds.Clear();
            foreach (int pid in _running.Keys)
            {
                LibcExtra.kill(pid, LibcExtra.SIGTERM);
            }
            WaitUntil(() => _running.Count == 0, deadline);
        }
        PodJournald.KillAllBut(_journaldPid); // whatever is left of the containers
        lock (_lock)
        {
            while (_running.Count > 0)
            {
                Monitor.Wait(_lock, TimeSpan.FromMilliseconds(100));
            }
            // The executor forwards the containers' last lines to our journald too: wait
            // until it has (it says "drained" once every output pipe ended, which our own
            // copies of the pipes of containers never started would prevent), then stop
            // journald cleanly (SIGTERM syncs its files).
            foreach (int fd in _outputFds.ToArray())
            {
                CloseOutput(fd);
            }
            _control.Send(new PodControlMessage.Finishing(_stopRequested));
            WaitUntil(() => _drained, DateTime.UtcNow.AddSeconds(10));
            if (_journaldPid > 0)
            {
                LibcExtra.kill(_journaldPid, LibcExtra.SIGTERM);
                WaitUntil(() => _journaldExited, DateTime.UtcNow.AddSeconds(3));
            }
        }
        LibcExtra.kill(-1, LibcExtra.SIGKILL);
        // No message for the executor: it learns the status by reaping this process.
        return _reboot ? RebootExitCode : code == 0 ? PodExitCode() : code;
    }

    /// <summary>Monitor.Wait takes at most int.MaxValue ms; a grace period may be longer.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>Waits, holding <see cref="_lock"/>, until <paramref name="done"/> holds or
    /// <paramref name="deadline"/> passes; whoever changes what it reads pulses the lock.</summary>
    private void WaitUntil(Func<bool> done, DateTime deadline)
    {
        while (!done() && deadline - DateTime.UtcNow is { Ticks: > 0 } left)
        {
            Monitor.Wait(_lock, left < MaxWait ? left : MaxWait);
        }
    }

    /// <summary>As PID 1 every orphan of the pod becomes our child: wait for any child.</summary>
    private void Reap()
    {
        while (true)
        {
            int pid = LibcExtra.waitpid(-1, out int status, 0);
            if (pid <= 0)
            {
                Thread.Sleep(50); // no children yet (ECHILD) or interrupted
                continue;
            }
            lock (_lock)
            {
                if (pid == _journaldPid)
                {
                    _journaldExited = true;
                    Monitor.PulseAll(_lock);
                }
                if (_running.Remove(pid, out ContainerPlan? c))
                {
                    int code = Spawner.ExitCodeOf(status);
                    if (_syncFds.Remove(c.Name, out int fd))
                    {
                        LibcExtra.close(fd);
                    }
                    _control.Send(new PodControlMessage.Exited(c.Name, code));
                    OnExited(c, code);
                    Monitor.PulseAll(_lock);
                }
            }
        }
    }

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
                Console.Error.WriteLine($"pod init: {e.Message}");
                continue;
            }
            switch (message)
            {
                case null:
                    RequestStop(false); // the executor is gone: nobody supervises the pod any more
                    return;
                case PodControlMessage.Go(string name):
                    lock (_lock)
                    {
                        if (_syncFds.Remove(name, out int fd))
                        {
                            byte go = 1;
                            LibcExtra.write(fd, &go, 1);
                            LibcExtra.close(fd);
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
                case PodControlMessage.KillContainer(string name, int grace):
                    Kill(name, grace);
                    break;
                default:
                    Console.Error.WriteLine($"pod init: protocol error: \"{message.Format()}\" is the pod init's own message");
                    break;
            }
        }
    }
}

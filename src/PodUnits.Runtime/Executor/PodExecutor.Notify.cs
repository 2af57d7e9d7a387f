using PodUnits.Core.Errors;
using PodUnits.Core.Text;
using PodUnits.Runtime.Activation;
using PodUnits.Runtime.Health;
using PodUnits.Runtime.Init;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// systemd's activation protocols, passed through to one container each (docs/activation.md):
/// the sockets of pod@NAME.socket (LISTEN_FDS) go to the pod init with the other descriptors,
/// and the notify container's READY=1 and STATUS= come back through the pod's notify socket
/// into the container's status, READY and the unit's STATUS= line.
/// </summary>
public sealed partial class PodExecutor
{
    /// <summary>The sockets systemd passed, taken before anything else could inherit them.</summary>
    private readonly ListenFds? _listenFds = ListenFds.Take();
    private NotifySocket? _notifySocket;

    /// <summary>Before the pod init starts: the notify socket must exist when it binds it
    /// into the pod, and sockets without a container to take them fail the start.</summary>
    private void OpenActivation()
    {
        if (_listenFds is not null && !_plan.Interactive && _plan.ListenContainer is null)
        {
            throw new PodUnitsException($"pod {_plan.Name}",
                $"systemd passed {Counted.Of(_listenFds.Count, "socket")} (pod@{_plan.Name}.socket) but the pod has several containers; " +
                "name the one that gets them with the annotation podunits.io/listen-container");
        }
        if (_plan.NotifyContainer is not string name)
        {
            return;
        }
        Statuses[name].Notify = true;
        string scope = ContainerUnits.ScopeName(_plan.Name, name);
        _notifySocket = NotifySocket.Bind(_plan.Name);
        string cgroup = ContainerUnits.CgroupPath(_plan.Name, name);
        _notifySocket.Start(pid => NotifySocket.ProcessIsIn(pid, cgroup),
            message => Pend(name, message),
            pid => Log($"container {name}: ignoring a notification from PID {pid}, which is not (or no longer) in {scope}"));
    }

    /// <summary>The descriptors and the variable the pod init gets for the listening sockets.</summary>
    private IEnumerable<(int From, int To)> ListenDescriptors() =>
        _listenFds is null ? [] : Enumerable.Range(0, _listenFds.Count)
            .Select(i => (ListenFds.First + i, PodInitDescriptors.Listen(_plan.Containers.Count, i)));

    private IEnumerable<string> ListenHandoff() => _listenFds is null ? [] : [_listenFds.HandoffEntry];

    /// <summary>The notify container's messages the supervision loop has not handled yet,
    /// merged into one (READY=1 if any said it, the last STATUS=).</summary>
    private NotifyMessage? _notifyPending;

    /// <summary>
    /// On the socket's thread: merges <paramref name="message"/> into the pending one, and
    /// wakes the loop only when none was pending. A container sending STATUS= in a loop queued
    /// an event per datagram without bound, each a synced file write and a message to PID 1,
    /// and the pod's exits and stop waited behind them (activation review of 2026-12-06,
    /// finding 2): now at most one waits, and the loop handles the latest.
    /// </summary>
    private void Pend(string container, NotifyMessage message)
    {
        if (!message.Ready && message.Status is null)
        {
            return; // nothing PodUnits reads (a BARRIER=1's descriptor is closed by the reader)
        }
        NotifyMessage? before, merged;
        do
        {
            before = Volatile.Read(ref _notifyPending);
            merged = before is null ? message : new NotifyMessage(before.Ready || message.Ready, message.Status ?? before.Status, Barrier: false);
        }
        while (Interlocked.CompareExchange(ref _notifyPending, merged, before) != before);
        if (before is null)
        {
            _events.Writer.TryWrite(new SupervisionEvent.Notified(container));
        }
    }

    /// <summary>On the supervision loop: READY=1 makes the current run ready (with its probes),
    /// STATUS= shows in the unit's status line and in `podunits status`; a message that
    /// changes neither writes nothing.</summary>
    private void OnNotified(SupervisionEvent.Notified notified)
    {
        if (Interlocked.Exchange(ref _notifyPending, null) is not { } message)
        {
            return;
        }
        ContainerStatus s = Statuses[notified.Container];
        bool changed = false;
        if (message.Status is string status && (status != s.NotifyStatus || s.NotifyStatusRun != s.Run))
        {
            s.NotifyStatus = status;
            s.NotifyStatusRun = s.Run;
            changed = true;
        }
        if (message.Ready && s.NotifiedRun != s.Run)
        {
            s.NotifiedRun = s.Run;
            changed = true;
            if (s.Ready)
            {
                _eventLog?.ReadinessChanged(notified.Container, ready: true, "READY=1 through the notify socket");
            }
        }
        if (!changed)
        {
            return;
        }
        SaveStatuses();
        EvaluateReady();
        ReportStatus();
    }

    /// <summary>The notify container's STATUS=, for the unit's STATUS= line: its current run's,
    /// while that runs (in a restart's back-off its last run's text no longer holds).</summary>
    private IEnumerable<string> NotifyStatusParts() =>
        _plan.NotifyContainer is string name && Statuses[name] is { State: "running", CurrentNotifyStatus: string status } ? [$"{name}: {status}"] : [];

    private void CloseActivation() => _notifySocket?.Dispose();

    /// <summary>
    /// The container that takes the sockets ended for good while the pod runs on (its
    /// restartPolicy, in a pod with other containers): the pod still holds the sockets, so
    /// systemd does not listen again, and their connections wait unanswered until the pod
    /// stops. Said once, in the journal (activation review of 2026-12-06, finding 3; how a
    /// container that exits when idle should be restarted is restartPolicy's, docs/activation.md).
    /// The pod runs on while another container has not ended for good, whether it runs yet or
    /// not: a sidecar still starting when the listen container served once and ended counts
    /// (a CI run saw the warning missed when only containers in State "running" counted).
    /// </summary>
    private void WarnIfSocketsOrphaned(string container)
    {
        if (_listenFds is null || Stopping || container != _plan.ListenContainer
            || !EndedForGood(Container(container), Statuses[container])
            || _plan.Containers.Where(Serves).All(c => c.Name == container || EndedForGood(c, Statuses[c.Name])))
        {
            return;
        }
        Log($"container {container}, which takes the connections of pod@{_plan.Name}.socket, has ended for good while the pod runs on: "
            + "its connections wait unanswered until the pod stops (restartPolicy Always restarts it)");
    }
}

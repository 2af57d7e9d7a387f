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
        _notifySocket.Start(pid => NotifySocket.ProcessIsIn(pid, scope),
            message => _events.Writer.TryWrite(new SupervisionEvent.Notified(name, message)),
            pid => Log($"container {name}: ignoring a notification from PID {pid}, which is not (or no longer) in {scope}"));
    }

    /// <summary>The descriptors and the variable the pod init gets for the listening sockets.</summary>
    private IEnumerable<(int From, int To)> ListenDescriptors() =>
        _listenFds is null ? [] : Enumerable.Range(0, _listenFds.Count)
            .Select(i => (ListenFds.First + i, PodInitDescriptors.Listen(_plan.Containers.Count, i)));

    private IEnumerable<string> ListenHandoff() => _listenFds is null ? [] : [_listenFds.HandoffEntry];

    /// <summary>On the supervision loop: READY=1 makes the current run ready (with its probes),
    /// STATUS= shows in the unit's status line and in `podunits status`.</summary>
    private void OnNotified(SupervisionEvent.Notified notified)
    {
        ContainerStatus s = Statuses[notified.Container];
        if (notified.Message.Status is string status)
        {
            s.NotifyStatus = status;
            s.NotifyStatusRun = s.Run;
        }
        if (notified.Message.Ready && s.NotifiedRun != s.Run)
        {
            s.NotifiedRun = s.Run;
            if (s.Ready)
            {
                _eventLog?.ReadinessChanged(notified.Container, ready: true, "READY=1 through the notify socket");
            }
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
}

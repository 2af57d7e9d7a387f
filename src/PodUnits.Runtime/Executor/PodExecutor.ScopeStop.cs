using PodUnits.Runtime.Logging;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// The executor is the controller of its containers' scopes (ContainerUnits.ScopeProperties):
/// when systemd is to stop one (host shutdown, a stop of machine.slice or of the pod's slice,
/// `systemctl stop` of the scope) it sends RequestStop here and waits for the scope to empty,
/// instead of SIGTERMing the container beside the pod's own stop (systemd review of
/// 2026-12-07, finding 1). A container is part of its pod and cannot be stopped alone, so a
/// stop systemd was asked for stops the whole pod, as SIGTERM to the executor does: preStop
/// hooks, the containers' SIGTERM and grace period, sidecars last (docs/process-model.md).
/// One systemd makes of itself (an OOM kill on systemd 252) signals the container alone
/// (<see cref="StopForScopeAsync"/>).
/// </summary>
public sealed partial class PodExecutor
{
    /// <summary>The executor's unique bus name once it listens for RequestStop, or null when
    /// it cannot: its scopes then have no controller, and systemd signals them itself.</summary>
    private Task<string?>? _scopeController;
    /// <summary>The RequestStop observer; lives as long as the bus connection.</summary>
    private IDisposable? _scopeStopWatch;
    /// <summary>The pod's stop began with a RequestStop, not with a signal to the executor: its
    /// unit is stopped too, or Restart= would start the pod again.</summary>
    private bool _stopAskedForAScope;
    /// <summary>Every container is gone (the pod init's "finishing").</summary>
    private bool _containersGone;

    private async Task<string?> ListenForScopeStopsAsync(SystemdManager systemd)
    {
        try
        {
            _scopeStopWatch = await systemd.WatchScopeStopRequestsAsync(path => OnScopeStopRequested(systemd, path)).ConfigureAwait(false);
            return systemd.UniqueName;
        }
#pragma warning disable CA1031 // any failure only costs the controller: systemd then signals the scopes itself, as before
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log($"cannot listen for systemd's requests to stop the containers' scopes ({e.Message}); " +
                "a stop of their slice or the host's shutdown will signal the containers directly");
            return null;
        }
    }

    /// <summary>On the bus connection's reader thread: quick, and never throws.</summary>
    private void OnScopeStopRequested(SystemdManager systemd, string path)
    {
        string? scope = _plan.Containers.Select(c => ContainerUnits.ScopeName(_plan.Name, c.Name))
            .FirstOrDefault(s => string.Equals(SystemdManager.UnitObjectPath(s), path, StringComparison.Ordinal));
        if (scope is null)
        {
            Log($"ignoring systemd's request to stop {path}: not a scope of this pod's containers");
            return;
        }
        if (Volatile.Read(ref _containersGone))
        {
            // Every container has ended: what is left in the scope (a process that escaped its
            // container's end) is no container's, and systemd waits for it to go.
            _ = KillStrayAsync(systemd, scope);
            return;
        }
        _ = StopForScopeAsync(systemd, scope);
    }

    /// <summary>
    /// A stop systemd was asked for (a job: the host's shutdown, a stop of the scope or its
    /// slice) stops the pod. One systemd makes of itself, without a job, is the OOM kill of a
    /// process in the scope on systemd 252 and earlier (Debian 12, RHEL 9), which stop the
    /// scope then: that stopped the whole pod for good (review of the merged systemd change,
    /// 2026-12-07, finding 1). The container's processes get SIGTERM instead, as systemd
    /// would send them without a controller (SIGKILL at the scope's stop timeout); the
    /// container ends and restartPolicy decides, as before the scopes had a controller.
    /// Kubernetes would let a container whose main process survived run on; systemd 253 and
    /// later do too (a delegated scope's OOMPolicy=continue).
    /// </summary>
    private async Task StopForScopeAsync(SystemdManager systemd, string scope)
    {
        bool asked;
        try
        {
            asked = await systemd.HasJobAsync(scope).ConfigureAwait(false);
        }
        catch (Core.Errors.PodUnitsException e)
        {
            Log($"cannot tell why systemd stops {scope} ({e.Message}): taken as a stop of the pod");
            asked = true;
        }
        if (!asked)
        {
            StageLog.Information($"podunits: systemd is stopping {scope} by itself (a process in it was killed for memory): " +
                "the container's processes get SIGTERM, as systemd would send them, and the pod goes on");
            try
            {
                await systemd.KillUnitAsync(scope, KillWho.All, Tmds.Linux.LibC.SIGTERM).ConfigureAwait(false);
            }
            catch (Systemd.SystemdCallException e) when (e.DBusErrorName is Systemd.DBusErrors.NoSuchUnit or Systemd.DBusErrors.UnknownObject)
            {
                // Emptied and collected meanwhile: nothing left to signal.
            }
            catch (Core.Errors.PodUnitsException e)
            {
                Log($"signalling {scope}: {e.Message}");
            }
            return;
        }
        if (BeginStop(Tmds.Linux.LibC.SIGTERM))
        {
            Volatile.Write(ref _stopAskedForAScope, true);
            StageLog.Information($"podunits: systemd is stopping {scope} (host shutdown, its slice, or systemctl stop): " +
                "a container cannot stop alone, so the whole pod stops");
        }
    }

    private static async Task KillStrayAsync(SystemdManager systemd, string scope)
    {
        try
        {
            await systemd.KillUnitAsync(scope, KillWho.All, Tmds.Linux.LibC.SIGKILL).ConfigureAwait(false);
        }
        catch (Systemd.SystemdCallException e) when (e.DBusErrorName is Systemd.DBusErrors.NoSuchUnit or Systemd.DBusErrors.UnknownObject)
        {
            // Gone meanwhile, with nothing left in it: the usual case at a pod's end, when the
            // slice's stop asks for scopes systemd had not yet collected (`run -i` printed this
            // on the caller's terminal).
        }
        catch (Core.Errors.PodUnitsException e)
        {
            Log($"killing what was left in {scope}: {e.Message}");
        }
    }
}

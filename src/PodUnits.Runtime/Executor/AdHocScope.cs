using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd;
using PodUnits.Systemd.Naming;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// The unit of a pod that no service runs: an ad-hoc pod (`podunits run -i`), or a
/// definition's pod run by hand from a shell (`podunits run NAME`). It is a transient scope,
/// <c>podunits-POD.scope</c> in machine.slice, that the executor moves itself into before it spawns the pod init, as
/// systemd-nspawn makes machine-NAME.scope when no unit runs it. Without it the pod would be
/// registered with machined under the caller's unit (a login session's scope, a service), so
/// `machinectl terminate` would stop the caller's whole session, and machined would keep the
/// machine (and block the name) for as long as that unit lives if the executor was killed.
/// In a scope of its own the pod's processes are the unit: stopping it (machinectl terminate,
/// systemctl stop) sends SIGTERM to the executor and the pod init, each of which stops the
/// pod gracefully, and once the last of them has gone the scope, and with it the machine, goes
/// too. The name cannot clash with a container's scope, podunits-POD-CONTAINER.scope: escaped
/// names hold no dash of their own (<see cref="ContainerUnits"/>).
/// </summary>
public static class AdHocScope
{
    public static string Name(string pod) => $"podunits-{UnitNameEscaping.Escape(pod)}.scope";

    /// <summary>An ad-hoc pod always has its own scope, even when a service runs `podunits
    /// run -i`; a definition's pod has one when the executor is in no service at all (a
    /// terminal's session scope). Under pod@NAME.service, or a service of the user's own that
    /// runs `podunits run NAME`, that service is the pod's unit: moving its main process
    /// out would leave it empty.</summary>
    public static bool IsNeeded(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Interactive || OwnUnit.ServiceName() is null;
    }

    public static TransientUnitProperties Properties(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new TransientUnitProperties
        {
            Description = plan.Interactive ? $"PodUnits ad-hoc pod {plan.Name}" : $"PodUnits pod {plan.Name}, run by hand",
            Slice = "machine.slice",
            CollectMode = CollectMode.InactiveOrFailed,
            // pod@.service's After=: the executor in this scope stops the pod through D-Bus and
            // unregisters it from machined, so at shutdown both stop after it (packaging
            // review of 2026-12-07, finding 1).
            After = [.. ContainerUnits.ScopeAfter, "systemd-machined.service"],
            // pod@.service's TimeoutStopSec= rule: the grace period and the executor's margin.
            TimeoutStopUSec = (ulong)plan.StopTimeoutSeconds() * 1_000_000,
        };
    }

    /// <summary>Moves this process (the executor) into the pod's new scope; what it spawns from
    /// now on starts there.</summary>
    public static async Task EnterAsync(SystemdManager systemd, PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        ArgumentNullException.ThrowIfNull(plan);
        string scope = Name(plan.Name);
        try
        {
            await systemd.StartTransientScopeAsync(scope, [(uint)Environment.ProcessId], Properties(plan)).ConfigureAwait(false);
        }
        catch (SystemdCallException e) when (e.DBusErrorName == DBusErrors.UnitExists)
        {
            // The pod's name is claimed, so this is what an earlier run left: its pod init
            // still stopping, or processes it could not kill.
            throw new PodUnitsException($"pod {plan.Name}",
                $"{scope} of an earlier run is still there; 'systemctl stop {scope}' ends it", ExitCodes.RuntimeFailure);
        }
    }
}

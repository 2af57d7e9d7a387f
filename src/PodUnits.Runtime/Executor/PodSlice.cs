using PodUnits.Core.Errors;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Pod-level resources (spec.resources.limits) on the pod's slice,
/// <c>machine-podunits-POD.slice</c>, the parent of every container's scope: a transient
/// slice with MemoryMax= and CPUQuota=, created before the first scope (which would otherwise
/// create the slice implicitly, without limits). Only pods with pod-level limits pay for
/// creating it: without them the slice is the implicit one systemd makes for the first scope.
/// Either way it is stopped when the pod's containers are gone, so no slice outlives its pod
/// (systemd leaves an implicit slice active after its last scope) and none keeps stale
/// limits.
/// </summary>
internal static class PodSlice
{
    public static bool HasLimits(PodPlan plan) => plan.MemoryMaxBytes is not null || plan.CpuMillicores is not null;

    public static TransientUnitProperties Properties(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new TransientUnitProperties
        {
            Description = $"PodUnits pod {plan.Name}",
            MemoryMax = plan.MemoryMaxBytes,
            CpuQuotaPerSecUSec = plan.CpuMillicores is { } m ? TransientUnitProperties.CpuQuotaFromMillicores(m) : null,
        };
    }

    /// <summary>Creates the slice with the pod's limits. A slice of the same name may be loaded
    /// already: the implicit one of an earlier run without limits, or one a crashed executor
    /// left. The pod's name is claimed (no run of this pod is alive), so whatever is in it is
    /// left over: it is stopped, and the slice created once more.</summary>
    public static async Task CreateAsync(SystemdManager systemd, PodPlan plan)
    {
        string slice = ContainerUnits.SliceName(plan.Name);
        try
        {
            await systemd.StartTransientUnitAsync(slice, Properties(plan).ToProperties()).ConfigureAwait(false);
        }
        catch (SystemdCallException e) when (e.DBusErrorName == DBusErrors.UnitExists)
        {
            await systemd.StopUnitAsync(slice).ConfigureAwait(false);
            await systemd.StartTransientUnitAsync(slice, Properties(plan).ToProperties()).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the slice at the pod's end; a failure is said, not thrown (the pod has
    /// ended either way, and the next start replaces the slice).</summary>
    public static async Task RemoveAsync(SystemdManager systemd, PodPlan plan, Action<string> log)
    {
        try
        {
            await systemd.StopUnitAsync(ContainerUnits.SliceName(plan.Name)).ConfigureAwait(false);
        }
        catch (PodUnitsException e)
        {
            log($"stopping the pod's slice: {e.Message}");
        }
    }
}

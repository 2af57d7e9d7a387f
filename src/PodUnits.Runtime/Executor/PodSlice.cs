using PodUnits.Core.Errors;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// The pod's slice, <c>machine-podunits-POD.slice</c>, the parent of every container's scope.
/// A pod with pod-level limits (spec.resources.limits) or a CPU request gets it as a transient
/// slice with MemoryMax=, MemorySwapMax=0, CPUQuota= and CPUWeight=, created before the first
/// scope (which would otherwise create the slice implicitly, with systemd's defaults). Only
/// such pods pay for creating it: for the others the slice is the implicit one systemd makes
/// for the first scope. Either way it is stopped when the pod's containers are gone, so no
/// slice outlives its pod (systemd leaves an implicit slice active after its last scope) and
/// none keeps stale settings.
/// </summary>
internal static class PodSlice
{
    /// <summary>Whether the pod's slice is made with settings of its own.</summary>
    public static bool HasSettings(PodPlan plan) =>
        plan.MemoryMaxBytes is not null || plan.CpuMillicores is not null;

    public static TransientUnitProperties Properties(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new TransientUnitProperties
        {
            Description = $"PodUnits pod {plan.Name}",
            MemoryMax = plan.MemoryMaxBytes,
            // The pod's containers share its limit in RAM only, as each its own (ContainerUnits).
            MemorySwapMax = plan.MemoryMaxBytes is null ? null : 0,
            CpuQuotaPerSecUSec = plan.CpuMillicores is { } m ? TransientUnitProperties.CpuQuotaFromMillicores(m) : null,
            // No CPUWeight= of what the pod requests: a pod that requests nothing keeps systemd's
            // 100, where the kubelet gives it the least (2 shares), so a weight from a request
            // (500m is 20) put the pods that asked for CPU below those that did not (review of
            // the merged systemd change, 2026-12-07, finding 2). Pods weigh the same; only the
            // containers of a pod are weighted against each other (ContainerUnits).
        };
    }

    /// <summary>
    /// Readies the slice before the first scope goes in it. A slice of the same name may be
    /// loaded already: the implicit one of an earlier run, or one a killed executor left with
    /// that run's limits. The pod's name is claimed (no run of this pod is alive), so whatever
    /// is in it is left over: for a pod with settings it is stopped and created once more. A
    /// pod without settings leaves it, and so runs under the limits of a killed run whose
    /// definition had them until `podunits gc` (systemd review of 2026-12-07, finding 4).
    /// </summary>
    public static async Task PrepareAsync(SystemdManager systemd, PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        ArgumentNullException.ThrowIfNull(plan);
        string slice = ContainerUnits.SliceName(plan.Name);
        if (!HasSettings(plan))
        {
            // A killed run's slice with limits is not stopped for a pod without any (systemd
            // review of 2026-12-07, finding 4, not done): stopping it made the next scope's
            // creation fail with NoSuchUnit for seconds now and then.
            return;
        }
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

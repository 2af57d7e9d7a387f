using PodUnits.Definitions;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Configuration;

/// <summary>
/// The limits a running pod and its containers have now, for the downward API's
/// resourceFieldRef at `podunits reload`: the running plan's (the definition's when the pod
/// started) with what `podunits update` changed since. A definition's edited limits apply at
/// the pod's next start, as a Kubernetes pod's resources stay what they were while it runs:
/// written into its files at a reload, they told the container of limits it did not have
/// (configuration review of 2026-12-06, finding 4).
/// </summary>
public static class RunningLimits
{
    /// <summary><paramref name="edited"/> with the limits <paramref name="running"/> runs
    /// with; <paramref name="report"/> hears of each edited limit that waits for a restart.</summary>
    /// <param name="updates">What `podunits update` set for a container (ContainerLimitUpdates.Of).</param>
    public static PodDefinition Apply(PodDefinition edited, PodPlan running, Func<string, (ulong? MemoryMax, ulong? CpuQuotaPerSecUSec)> updates,
        Action<string> report)
    {
        ArgumentNullException.ThrowIfNull(edited);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(report);
        const string Later = "they apply when the pod restarts ('podunits update' changes a running pod's), and its downwardAPI files show the running ones";
        ContainerDefinition Running(ContainerDefinition c)
        {
            if (running.Containers.FirstOrDefault(p => p.Name == c.Name) is not { } plan)
            {
                return c; // new in the definition: not running, nothing of it is shown
            }
            ResourceLimits started = Limits(plan.MemoryMaxBytes, plan.CpuMillicores);
            if (c.Limits != started)
            {
                report($"container {c.Name}: its limits changed in the definition; {Later}");
            }
            (ulong? memory, ulong? quota) = updates(c.Name);
            // `podunits update --memory max` / `--cpu max` store infinity (ulong.MaxValue): no
            // limit of its own then, as without one in the definition. CPUQuotaPerSecUSec: a
            // whole CPU is 1,000,000 µs a second, 1,000 millicores.
            long? memoryNow = memory is { } m ? (m >= long.MaxValue ? null : (long)m) : started.MemoryBytes;
            long? cpuNow = quota is { } q ? (q == ulong.MaxValue ? null : (long)(q / 1000)) : started.CpuMillis;
            return c with { Limits = new ResourceLimits(memoryNow, cpuNow) };
        }
        ContainerDefinition[] initContainers = [.. edited.InitContainers.Select(Running)];
        ContainerDefinition[] containers = [.. edited.Containers.Select(Running)];
        ResourceLimits pod = Limits(running.MemoryMaxBytes, running.CpuMillicores);
        if (edited.Limits != pod)
        {
            report($"the pod's limits changed in the definition; {Later}");
        }
        return edited with { Limits = pod, InitContainers = initContainers, Containers = containers };
    }

    private static ResourceLimits Limits(ulong? memory, ulong? cpuMillis) => new((long?)memory, (long?)cpuMillis);
}

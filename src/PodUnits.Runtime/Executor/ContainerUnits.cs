using PodUnits.Runtime.Plan;
using PodUnits.Systemd.Naming;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// The systemd units of a pod's containers: a scope per container,
/// <c>podunits-POD-CONTAINER.scope</c> with both names escaped like systemd-escape (so "a-b"
/// is "a\x2db" and the dash between them is unambiguous), under the pod's slice
/// <c>machine-podunits-POD.slice</c> (machine.slice / machine-podunits.slice / the pod).
/// </summary>
public static class ContainerUnits
{
    public static string SliceName(string pod) => $"machine-podunits-{UnitNameEscaping.Escape(pod)}.slice";

    public static string ScopeName(string pod, string container) =>
        $"podunits-{UnitNameEscaping.Escape(pod)}-{UnitNameEscaping.Escape(container)}.scope";

    /// <summary>The scope's cgroup under a hierarchy's root: a slice nests in the slices its
    /// name's dashes name (machine.slice / machine-podunits.slice / the pod's).</summary>
    public static string CgroupPath(string pod, string container) => $"{SliceCgroupPath(pod)}/{ScopeName(pod, container)}";

    /// <summary>The pod's slice's cgroup under a hierarchy's root.</summary>
    public static string SliceCgroupPath(string pod) => $"/machine.slice/machine-podunits.slice/{SliceName(pod)}";

    public static TransientUnitProperties ScopeProperties(PodPlan pod, ContainerPlan c)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(c);
        return new TransientUnitProperties
        {
            Description = $"PodUnits pod {pod.Name} container {c.Name}",
            Slice = SliceName(pod.Name),
            CollectMode = CollectMode.InactiveOrFailed,
            // Delegated, because systemd moves processes into a unit afterwards only then
            // (AttachProcessesToUnit: "Process migration not available on non-delegated
            // units"), and `podunits enter` and exec probes join the container's scope that
            // way. The container cannot use the delegation: it has no cgroupfs mounted.
            Delegate = true,
            MemoryMax = c.MemoryMaxBytes,
            // A fork bomb in one container stops at its own limit, not the host's threads-max.
            TasksMax = pod.ContainerTasksMax,
            CpuQuotaPerSecUSec = c.CpuMillicores is { } m ? TransientUnitProperties.CpuQuotaFromMillicores(m) : null,
            // The OCI default devices only; a privileged container keeps systemd's default
            // (no device policy), as Kubernetes gives it the host's devices.
            DevicePolicy = c.Privileged ? null : "closed",
            DeviceAllow = c.Privileged ? null : Confinement.DefaultConfinement.DeviceAllow,
        };
    }
}

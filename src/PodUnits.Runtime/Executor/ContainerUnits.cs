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
    /// <summary>The units a container's scope is ordered after (packaging review of
    /// 2026-12-07, finding 1). A stop of the scope is a RequestStop over D-Bus to the executor,
    /// which stops the pod through the bus as well. At shutdown dbus.service's stop job comes in
    /// the same transaction, and unordered it could run first: systemd, off the bus, then
    /// SIGTERMed the containers itself (no preStop, no sidecar order). After= makes the scope
    /// stop before the bus does; it pulls nothing in, and is harmless under dbus-broker, whose
    /// unit is Before=basic.target anyway (a scope is not After=basic.target).</summary>
    public static readonly IReadOnlyList<string> ScopeAfter = ["dbus.service"];

    public static string SliceName(string pod) => $"machine-podunits-{UnitNameEscaping.Escape(pod)}.slice";

    public static string ScopeName(string pod, string container) =>
        $"podunits-{UnitNameEscaping.Escape(pod)}-{UnitNameEscaping.Escape(container)}.scope";

    /// <summary>The scope's cgroup under a hierarchy's root: a slice nests in the slices its
    /// name's dashes name (machine.slice / machine-podunits.slice / the pod's).</summary>
    public static string CgroupPath(string pod, string container) => $"{SliceCgroupPath(pod)}/{ScopeName(pod, container)}";

    /// <summary>The pod's slice's cgroup under a hierarchy's root.</summary>
    public static string SliceCgroupPath(string pod) => $"/machine.slice/machine-podunits.slice/{SliceName(pod)}";

    /// <param name="controller">The executor's unique bus name (SystemdManager.UniqueName):
    /// systemd asks it to stop the scope instead of killing the container (systemd review of
    /// 2026-12-07, finding 1); null for none.</param>
    public static TransientUnitProperties ScopeProperties(PodPlan pod, ContainerPlan c, string? controller)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(c);
        return new TransientUnitProperties
        {
            Description = $"PodUnits pod {pod.Name} container {c.Name}",
            Slice = SliceName(pod.Name),
            CollectMode = CollectMode.InactiveOrFailed,
            // A scope has Conflicts=shutdown.target and is stopped with its slice: without a
            // controller systemd SIGTERMed the container itself at every shutdown, beside the
            // pod's own stop, skipping its preStop hook and the sidecars' order. With one it
            // sends RequestStop to the executor, which stops the whole pod (PodExecutor.ScopeStop.cs),
            // and waits for the scope to empty; SIGKILL only after the pod's own stop time.
            Controller = controller,
            After = ScopeAfter,
            TimeoutStopUSec = (ulong)pod.StopTimeoutSeconds() * 1_000_000,
            // Delegated, because systemd moves processes into a unit afterwards only then
            // (AttachProcessesToUnit: "Process migration not available on non-delegated
            // units"), and `podunits enter` and exec probes join the container's scope that
            // way. The container cannot use the delegation: it has no cgroupfs mounted.
            Delegate = true,
            MemoryMax = c.MemoryMaxBytes,
            // No swap, as the kubelet's NoSwap gives every container (memory.swap.max=0): with
            // swap on the host a container went past its memory limit into swap, and was never
            // OOMKilled at it (systemd review of 2026-12-07, finding 2).
            MemorySwapMax = 0,
            // A fork bomb in one container stops at its own limit, not the host's threads-max.
            TasksMax = pod.ContainerTasksMax,
            CpuQuotaPerSecUSec = c.CpuMillicores is { } m ? TransientUnitProperties.CpuQuotaFromMillicores(m) : null,
            CpuWeight = CpuWeight(pod, c),
            // The OCI default devices only; a privileged container keeps systemd's default
            // (no device policy), as Kubernetes gives it the host's devices.
            DevicePolicy = c.Privileged ? null : "closed",
            DeviceAllow = c.Privileged ? null : Confinement.DefaultConfinement.DeviceAllow,
        };
    }

    /// <summary>requests.cpu as the kubelet weights a container's cgroup (systemd review of
    /// 2026-12-07, finding 5), once anything in the pod requests CPU: a container without a
    /// request then gets the least weight (2 shares: 1), as there, and not systemd's 100,
    /// which would be five times what a container asking for 500m gets. In a pod where
    /// nothing requests CPU every scope keeps systemd's default: equal weights either way.</summary>
    public static ulong? CpuWeight(PodPlan pod, ContainerPlan c)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(c);
        return pod.CpuRequestMillicores is null ? null : TransientUnitProperties.CpuWeightFromMillicores(c.CpuRequestMillicores ?? 0);
    }
}

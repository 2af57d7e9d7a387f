using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// What a container that may trace (CAP_SYS_PTRACE, or ALL, added to a container that is not
/// privileged) is refused beside, in a pod without a user namespace: there its capability
/// holds over host root's processes too, and the kernel lets it attach to, or open
/// /proc/PID/root of, any process it sees, dumpable or not. It must not see one that is
/// still host root: the pod init, with shareProcessNamespace (docs/confinement.md). What an
/// exec probe, an exec hook or `podunits enter` starts in it is never such a process: it
/// enters the container's PID namespace only with the container's own credentials and
/// confinement (Stage1/Native/enter.c, enter_and_exec).
/// </summary>
internal static class PtraceRefusals
{
    public static void Check(Fields spec, ParseContext ctx, IReadOnlyList<ContainerDefinition> initContainers,
        IReadOnlyList<ContainerDefinition> containers, bool userNamespace, bool shareProcessNamespace)
    {
        if (userNamespace)
        {
            return; // container root has no capability over the host's processes
        }
        if (shareProcessNamespace && initContainers.Concat(containers).FirstOrDefault(TracesOthers) is { } tracer)
        {
            // PID 1 of a shared PID namespace is the pod init: host root in the host's mount
            // namespace, unconfined, as every container's set-up is until its pivot_root. With
            // CAP_SYS_PTRACE a container may open /proc/PID/root of whatever it sees, so it
            // would see the host's root through them. Kubernetes' PID 1 is a pause container
            // in a root of its own (a documented deviation: docs/confinement.md).
            ctx.Error(spec.Value("shareProcessNamespace")!, $"spec.shareProcessNamespace: true with container {tracer.Name}'s " +
                "capability SYS_PTRACE would let it reach the pod init, which runs as the host's root and sees the host's files; " +
                "give the pod a user namespace (hostUsers: false), or drop SYS_PTRACE, or keep each container's PID namespace its own");
        }
    }

    /// <summary>Whether the container may trace (and open the root of) the processes it sees:
    /// CAP_SYS_PTRACE or all capabilities added (what is added wins over what is dropped, as
    /// in containerd); a privileged container is the host's root anyway, as Kubernetes means it.</summary>
    private static bool TracesOthers(ContainerDefinition c) =>
        c.SecurityContext is { Privileged: false } sc && sc.CapabilitiesAdd.Any(cap => cap is "CAP_SYS_PTRACE" or "ALL");
}

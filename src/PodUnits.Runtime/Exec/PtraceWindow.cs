using PodUnits.Core.Linux;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Exec;

/// <summary>
/// Whether a process started inside a container (`podunits enter`) could be traced by the
/// container before it drops its privileges: the entering process is visible in the
/// container's PID namespace from its fork (enter.c) until become.c takes the container's
/// user and confinement, and meanwhile it is host root with every capability the pod's
/// service allows. A container holding CAP_SYS_PTRACE without a user namespace may attach to
/// it in that window and escape to the host (stage 1 native review of 2026-12-07, finding 1;
/// runc's exec has the same window, opencontainers/runc#3987). With a user namespace the
/// container's capability does not reach a process of the host's, and a privileged
/// container is the host's root already. Exec probes and hooks of such a container are
/// refused when the pod is planned (Definitions' PtraceRefusals); `enter` asks the caller
/// to say so (--allow-ptrace-window).
/// </summary>
public static class PtraceWindow
{
    private static readonly int SysPtrace = LinuxCapabilities.Number("CAP_SYS_PTRACE");

    public static bool Exposes(PodPlan pod, ContainerPlan c)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(c);
        return pod.Users is null && !c.Privileged && c.Capabilities.Contains(SysPtrace);
    }

    /// <summary>Why `enter` refuses such a container, and what to do instead.</summary>
    public const string Refusal = "holds capability SYS_PTRACE in a pod without a user namespace, so it could trace the entering process " +
        "while that is still the host's root with every capability, and take over the host (opencontainers/runc#3987); " +
        "add --allow-ptrace-window if you trust what runs in it, or give the pod a user namespace (hostUsers: false)";
}

using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Starts the pod init in fresh namespaces without forking managed code: a dedicated thread (Spawner.SpawnUnshared)
/// joins the pod's network namespace (pinned beforehand for CNI: NetnsPins.Create) or
/// unshares one, unshares the PID, mount, UTS and IPC namespaces, which changes only that
/// thread (docs/platform-facts.md), then posix_spawns <c>podunits pod-init</c>, which becomes PID 1 of the
/// new PID namespace and inherits the thread's other namespaces. The thread then ends,
/// taking its namespaces with it; the executor itself stays in the host's.
/// </summary>
public static class PodLauncher
{
    /// <summary>What the thread unshares: no network namespace with the host's network or
    /// with a pinned one to join.</summary>
    public static int NamespaceFlags(PodPlan plan, bool joinsNetwork)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int flags = LibcExtra.CLONE_NEWPID | LibcExtra.CLONE_NEWNS | LibcExtra.CLONE_NEWUTS | LibcExtra.CLONE_NEWIPC;
        return plan.HostNetwork || joinsNetwork ? flags : flags | LibcExtra.CLONE_NEWNET;
    }

    /// <summary>Returns the host PID of the pod init.</summary>
    /// <param name="netns">The pinned network namespace the pod joins, or null.</param>
    /// <param name="environment">Variables for the pod init beyond the executor's own (ListenFds' handoff).</param>
    public static int Start(PodPlan plan, string planPath, string? netns, IReadOnlyList<(int From, int To)> fds, IEnumerable<string> environment)
    {
        try
        {
            return Spawner.SpawnUnshared(NamespaceFlags(plan, netns is not null), "pod namespaces", netns is null ? null : () => JoinNetwork(netns),
                Stage1.Self, [Stage1.FileName, "pod-init", planPath],
                [.. Spawner.InheritedEnvironment(), .. environment], fds, newSession: true);
        }
        catch (Exception e) when (e is not PodUnitsException)
        {
            throw new PodUnitsException($"pod {plan.Name}", $"cannot start the pod init: {e.Message}", inner: e);
        }
    }

    private static void JoinNetwork(string netns)
    {
        int fd = Check.Io(LibcExtra.open(netns, LibcExtra.O_RDONLY | LibcExtra.O_CLOEXEC, 0), "open", netns);
        try
        {
            Check.Io(LibcExtra.setns(fd, LibcExtra.CLONE_NEWNET), "setns", netns);
        }
        finally
        {
            LibcExtra.close(fd);
        }
    }
}

using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Starts the pod init in fresh namespaces without forking managed code: a dedicated thread
/// unshares the PID, mount, UTS, IPC (and network) namespaces, which changes only that
/// thread (docs/platform-facts.md), then posix_spawns <c>podunits pod-init</c>, which becomes PID 1 of the
/// new PID namespace and inherits the thread's other namespaces. The thread then ends,
/// taking its namespaces with it; the executor itself stays in the host's.
/// </summary>
public static class PodLauncher
{
    public static int NamespaceFlags(PodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int flags = LibcExtra.CLONE_NEWPID | LibcExtra.CLONE_NEWNS | LibcExtra.CLONE_NEWUTS | LibcExtra.CLONE_NEWIPC;
        return plan.HostNetwork ? flags : flags | LibcExtra.CLONE_NEWNET;
    }

    /// <summary>Returns the host PID of the pod init.</summary>
    /// <param name="environment">Variables for the pod init beyond the executor's own (ListenFds' handoff).</param>
    public static int Start(PodPlan plan, string planPath, IReadOnlyList<(int From, int To)> fds, IEnumerable<string> environment)
    {
        int pid = 0;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Check.Io(LibcExtra.unshare(NamespaceFlags(plan)), "unshare", "pod namespaces");
                pid = Spawner.Spawn(Environment.ProcessPath ?? "/proc/self/exe",
                    [Stage1.FileName, "pod-init", planPath], [.. Spawner.InheritedEnvironment(), .. environment], fds, newSession: true);
            }
#pragma warning disable CA1031 // handed to the calling thread below
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }
        }) { Name = "pod namespaces" };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw error as PodUnitsException ?? new PodUnitsException($"pod {plan.Name}", $"cannot start the pod init: {error.Message}", inner: error);
        }
        return pid;
    }
}

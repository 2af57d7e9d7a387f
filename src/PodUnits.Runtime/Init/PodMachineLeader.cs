using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The process machined knows as a pod's leader when the pod has its own user namespace.
/// machined reads a container's UID shift from its leader's /proc/PID/uid_map (for
/// GetMachineUIDShift and the user and group mapping nss-mymachines shows: host UID
/// FIRST+N is "vu-POD-N"), and the pod init cannot be in the pod's user namespace: a threaded
/// process cannot join one. So the pod init starts podunits-stage1 once more, whose native
/// constructor joins the namespace and waits (src/PodUnits.Stage1/Native/enter.c, "lead"),
/// before .NET would start: a few hundred kilobytes, no managed heap. `machinectl poweroff`
/// and `reboot` signal it; the pod init's reaper turns its end into a stop (<see cref="StopFor"/>).
/// </summary>
internal static class PodMachineLeader
{
    /// <summary>Starts the leader in the user namespace <paramref name="usersFd"/>; returns
    /// its PID and a pidfd of it (for the executor, which registers the machine).</summary>
    public static (int Pid, int PidFd) Start(int usersFd)
    {
        const int TheirUsersFd = 3;
        int pid = Spawner.Spawn(Executor.Stage1.Self, [Executor.Stage1.FileName, "machine-leader"],
            [$"PODUNITS_ENTER=lead {TheirUsersFd}"], [(usersFd, TheirUsersFd)], newSession: true);
        int pidFd = LibcExtra.pidfd_open(pid); // not yet reaped: the reaper starts later
        return pidFd >= 0 ? (pid, pidFd) : throw new PodUnitsException("the machine leader", "pidfd_open failed");
    }

    /// <summary>What the leader's end asks of the pod, as its signal says: SIGINT is
    /// `machinectl reboot` (stop, then restart); any other end stops the pod, which machined
    /// knows by this process only.</summary>
    public static (bool Reboot, string Why) StopFor(int status)
    {
        int code = Spawner.ExitCodeOf(status);
        return code switch
        {
            128 + LibcExtra.SIGINT => (true, "machinectl reboot"),
            128 + PodInit.SigPoweroff => (false, "machinectl poweroff"),
            128 + LibcExtra.SIGTERM => (false, "SIGTERM to the machine leader"),
            > 128 => (false, $"the machine leader was killed by signal {code - 128}"),
            _ => (false, $"the machine leader exited with status {code}"),
        };
    }
}

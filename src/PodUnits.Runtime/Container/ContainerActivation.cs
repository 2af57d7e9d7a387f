using PodUnits.Core.Native;
using PodUnits.Runtime.Activation;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// container-start's part of socket activation and sd_notify (docs/activation.md): the
/// notify container's socket (bound by <see cref="ContainerMounts"/>) and NOTIFY_SOCKET, and
/// the listen container's sockets moved from <see cref="ContainerStart.FirstListenFd"/> to
/// 3.. (SD_LISTEN_FDS_START) with LISTEN_FDS, LISTEN_PID (this process's PID in the pod:
/// it execs the command) and LISTEN_FDNAMES. Variables of those names from the definition or
/// the image give way to these.
/// </summary>
internal static class ContainerActivation
{
    /// <summary>The sockets passed to this container-start, if any (ListenFds.HandoffVariable).</summary>
    public static ListenFds? Passed() => ListenFds.FromHandoff(System.Environment.GetEnvironmentVariable(ListenFds.HandoffVariable));

    /// <summary>The command's environment with the activation variables this container gets.</summary>
    public static List<string> CommandEnvironment(PodPlan pod, ContainerPlan c, IReadOnlyList<string> env, ListenFds? listen)
    {
        bool notify = pod.NotifyContainer == c.Name;
        if (!notify && listen is null)
        {
            return [.. env];
        }
        List<string> result = [.. env.Where(e => !ListenFds.IsActivationVariable(e))];
        if (notify)
        {
            result.Add($"NOTIFY_SOCKET={NotifySocket.ContainerPath}");
        }
        if (listen is not null)
        {
            result.AddRange(listen.CommandEnvironment(System.Environment.ProcessId));
        }
        return result;
    }

    /// <summary>
    /// Puts the <paramref name="count"/> sockets from <see cref="ContainerStart.FirstListenFd"/>
    /// at 3.. (not close-on-exec: the command gets them) and closes their old numbers. The
    /// exec-status descriptor (<paramref name="execFd"/>, close-on-exec) would be overwritten
    /// by the second socket, so it moves above them first; returns its new number.
    /// </summary>
    public static int ArrangeListenFds(int count, int execFd)
    {
        if (count == 0)
        {
            return execFd;
        }
        int end = ContainerStart.FirstListenFd + count;
        int movedExec = Check.Io(LibcExtra.fcntl(execFd, LibcExtra.F_DUPFD_CLOEXEC, end), "fcntl F_DUPFD_CLOEXEC", "exec status descriptor");
        for (int i = 0; i < count; i++)
        {
            // Ascending: each target is below its source, and above every source used before.
            Check.Io(Tmds.Linux.LibC.dup2(ContainerStart.FirstListenFd + i, ListenFds.First + i), "dup2", "listening socket");
        }
        for (int fd = ListenFds.First + count; fd < end; fd++)
        {
            LibcExtra.close(fd); // the exec descriptor's old number and the sockets' old numbers
        }
        return movedExec;
    }
}

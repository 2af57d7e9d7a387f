using PodUnits.Core.Native;
using PodUnits.Runtime.Activation;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod init's part of socket activation and sd_notify (docs/activation.md). It keeps
/// the listening sockets the executor passed after the plan for the whole life of the pod
/// and hands them to container-start of the listen container at every (re)start, at
/// <see cref="ContainerStart.FirstListenFd"/> and up. And it binds the executor's notify
/// socket into its private /run, where container-start finds it for the notify container:
/// the socket is taken (open_tree) before the pod's tmpfs hides the host's /run.
/// </summary>
internal static class PodInitActivation
{
    /// <summary>One pod init per process: set once by <see cref="Adopt"/> before any container starts.</summary>
    private static ListenFds? s_listen;

    /// <summary>Takes the listening sockets (close-on-exec: only container-start may get them).</summary>
    public static void Adopt(PodPlan plan)
    {
        s_listen = ListenFds.FromHandoff(System.Environment.GetEnvironmentVariable(ListenFds.HandoffVariable));
        System.Environment.SetEnvironmentVariable(ListenFds.HandoffVariable, null);
        for (int i = 0; i < (s_listen?.Count ?? 0); i++)
        {
            int fd = PodInitDescriptors.Listen(plan.Containers.Count, i);
            Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD", $"listening socket {fd}");
        }
    }

    /// <summary>container-start's descriptors, with the sockets if <paramref name="c"/> is the listen container.</summary>
    public static IReadOnlyList<(int From, int To)> WithDescriptors(PodPlan plan, ContainerPlan c, IReadOnlyList<(int From, int To)> fds) =>
        s_listen is null || c.Name != plan.ListenContainer ? fds : [.. fds, .. Enumerable.Range(0, s_listen.Count)
            .Select(i => (PodInitDescriptors.Listen(plan.Containers.Count, i), ContainerStart.FirstListenFd + i))];

    /// <summary>container-start's environment, with the variable that tells it about the sockets.</summary>
    public static IReadOnlyList<string> WithEnvironment(PodPlan plan, ContainerPlan c, IReadOnlyList<string> env) =>
        s_listen is null || c.Name != plan.ListenContainer ? env : [.. env, s_listen.HandoffEntry];

    /// <summary>Before the pod's /run is mounted: a detached copy of the notify socket's
    /// mount (open_tree), or -1 when the pod has no notify container.</summary>
    public static int HoldNotifySocket(PodPlan plan) =>
        plan.NotifyContainer is null ? -1 : Check.Io(LibcExtra.open_tree(LibcExtra.AT_FDCWD, NotifySocket.HostPath(plan.Name),
            LibcExtra.OPEN_TREE_CLONE | LibcExtra.OPEN_TREE_CLOEXEC), "open_tree", NotifySocket.HostPath(plan.Name));

    /// <summary>After: attaches it at <see cref="NotifySocket.PodPath"/> in the pod's /run.</summary>
    public static void PlaceNotifySocket(int tree)
    {
        if (tree < 0)
        {
            return;
        }
        try
        {
            File.WriteAllBytes(NotifySocket.PodPath, []);
            Check.Io(LibcExtra.move_mount(tree, "", LibcExtra.AT_FDCWD, NotifySocket.PodPath, LibcExtra.MOVE_MOUNT_F_EMPTY_PATH),
                "move_mount", NotifySocket.PodPath);
        }
        finally
        {
            LibcExtra.close(tree);
        }
    }
}

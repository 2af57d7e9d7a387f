using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// The last step before a container runs (hidden verb <c>container-start</c>, spawned by the
/// pod init in the pod's namespaces): wait until the executor has put this process into the
/// container's scope (fd 3), build the container's mount namespace and root, drop privileges
/// and execve the container's command. Fd 4 tells the pod init how that went: it is
/// close-on-exec, so a successful execve closes it with nothing written (the container runs:
/// READY may follow), while every failure writes one byte to it first. Everything from
/// unshare to execve runs on one thread: unshare(CLONE_NEWNS) and capabilities are per
/// thread, and execve keeps that thread's.
/// </summary>
public static unsafe class ContainerStart
{
    public const int SyncFd = 3;
    public const int ExecFd = 4;
    public const int SetupFailed = ContainerCommand.SetupFailed;
    /// <summary>The listen container's sockets, from the pod init (Init/PodInitActivation.cs),
    /// until <see cref="ContainerActivation"/> moves them to 3.. for the command.</summary>
    public const int FirstListenFd = 5;
    /// <summary>`run -it`: the executor's socket for the pseudo-terminal (Attach/TerminalHub.cs),
    /// where listening sockets would be; an interactive pod has none.</summary>
    public const int TerminalFd = 5;

    /// <summary>Where <see cref="ExecFd"/> is now: moved above the sockets when there are some.</summary>
    private static int s_execFd = ExecFd;

    public static int Run(string planPath, string containerName)
    {
        Check.Io(LibcExtra.fcntl(ExecFd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD");
        int code = SetUpAndExec(planPath, containerName); // returns only when the container could not start
        byte failed = 1;
        LibcExtra.write(s_execFd, &failed, 1);
        return code;
    }

    private static int SetUpAndExec(string planPath, string containerName)
    {
        SetupSteps.StartIfVerbose();
        PodPlan pod = PodPlan.Read(planPath);
        ContainerPlan c = pod.Containers.Single(x => x.Name == containerName);
        SetupSteps.Done("plan");
        byte go;
        if (LibcExtra.read(SyncFd, &go, 1) != 1)
        {
            return SetupFailed; // the pod stopped before this container was placed in its scope
        }
        LibcExtra.close(SyncFd);
        SetupSteps.Waited();
        try
        {
            Check.Io(LibcExtra.unshare(LibcExtra.CLONE_NEWNS), "unshare CLONE_NEWNS");
            SetupSteps.Done("mount namespace");
            (List<string> argv, List<string> env) = (c.Argv, c.Env);
            if (PodAddressTokens.AnyIn(argv) || PodAddressTokens.AnyIn(env))
            {
                IReadOnlyList<string> addresses = PodAddressTokens.CurrentAddresses();
                (argv, env) = (PodAddressTokens.Replace(argv, addresses), PodAddressTokens.Replace(env, addresses));
            }
            ContainerUsers? users = ContainerUsers.Of(pod);
            string root = ContainerMounts.EnterRoot(c, notifySocket: pod.NotifyContainer == c.Name, users);
            if (pod.Terminal)
            {
                // Of the container's devpts: entered already, or with a user namespace still below the root.
                using var terminal = new ControlChannel(TerminalFd);
                ContainerTerminal.Attach(terminal, users is null ? "" : root, $"container {c.Name}", users?.Mapping.ToHost(c.Uid) ?? c.Uid);
                SetupSteps.Done("terminal");
            }
            Activation.ListenFds? listen = ContainerActivation.Passed();
            env = ContainerActivation.CommandEnvironment(pod, c, env, listen);
            s_execFd = ContainerActivation.ArrangeListenFds(listen?.Count ?? 0, ExecFd);
            if (users is null)
            {
                return ContainerCommand.Exec(c, argv, env, confine: true, StageLog.Warning, listen?.Count ?? 0);
            }
            // The root is built but not entered: the command is looked up inside it from here,
            // and the native step pivots into it, joins the namespace and becomes the command.
            using var inRoot = new ContainerRoot(root);
            if (ContainerCommand.Spec(c, argv, env, confine: true, inRoot.IsExecutableFile, inRoot.Exists, StageLog.Warning, out int failure, listen?.Count ?? 0) is not { } spec)
            {
                return failure;
            }
            SetupSteps.Done("command lookup");
            UserNamespaceEntry.PivotAndBecome(root, users, s_execFd, spec); // returns only by throwing
            return SetupFailed;
        }
        catch (Exception e) when (e is PodUnitsException or IOException or UnauthorizedAccessException)
        {
            StageLog.Warning($"container {c.Name}: {e.Message}");
            return SetupFailed;
        }
    }
}

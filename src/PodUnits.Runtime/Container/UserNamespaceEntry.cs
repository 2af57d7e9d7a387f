using System.Globalization;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// How container-start and container-exec get into a pod's user namespace, and container-exec
/// into a container's mount namespace. The kernel lets only a single-threaded process join a
/// user namespace (or a mount namespace, for threads sharing their file system context), and
/// a .NET process never is one; so the process re-executes itself (same PID, same scope) with
/// PODUNITS_ENTER set, and the C constructor in stage 1
/// (src/PodUnits.Stage1/Native/enter.c) takes the step before the runtime starts, and then
/// the exec spec's (<see cref="ExecSpec"/>) last steps: managed code never runs again.
/// <list type="bullet">
/// <item>container-start: pivot_root into the root built here as host root, setns into the
/// namespace, and the native last steps at once: the .NET runtime never starts a second time
/// on the start path, which would cost more than everything else a user namespace does
/// (docs/user-namespaces.md, "Cost").</item>
/// <item>container-exec (exec probes and hooks, `podunits enter`), with or without a user
/// namespace: setns into the container's mount (and user) namespaces, every last step but
/// the execve, and only then a fork into its PID namespace: no process the container can see
/// is ever more privileged than the container (enter.c, enter_and_exec).</item>
/// </list>
/// </summary>
internal static class UserNamespaceEntry
{
    public const string RequestVariable = "PODUNITS_ENTER";

    /// <summary>container-start: re-executes into <paramref name="root"/> and the pod's user
    /// namespace, where the constructor carries out <paramref name="spec"/> (<see cref="ExecSpec"/>)
    /// without starting .NET again. A failure there writes one byte to
    /// <paramref name="reportFd"/>, as any other set-up failure does. Returns only by throwing.</summary>
    public static void PivotAndBecome(string root, ContainerUsers users, int reportFd, byte[] spec)
    {
        ArgumentNullException.ThrowIfNull(users);
        Inherit(reportFd);
        Inherit(users.NamespaceFd);
        int specFd = State.PlanHandoff.Seal("podunits-exec-spec", spec);
        ReExec(["container-start"],
            string.Create(CultureInfo.InvariantCulture, $"pivot {root} {users.NamespaceFd} {reportFd} {specFd}"));
    }

    /// <summary>container-exec: re-executes into the mount namespace (and, with
    /// <paramref name="userNamespace"/>, the user namespace) of the container process
    /// <paramref name="pidFd"/> refers to, where the constructor carries out
    /// <paramref name="spec"/> up to the execve and forks into the container's PID namespace
    /// to exec the command. With <paramref name="tty"/>, stdio is the container's pty, which
    /// the command takes as its controlling terminal. A failure there is reported on the
    /// control socket <paramref name="controlFd"/>. Returns only by throwing.</summary>
    public static void EnterAndExec(string container, int pidFd, int controlFd, bool userNamespace, byte[] spec, bool tty)
    {
        Inherit(pidFd);
        Inherit(controlFd);
        int specFd = State.PlanHandoff.Seal("podunits-exec-spec", spec);
        ReExec(["container-exec", container],
            string.Create(CultureInfo.InvariantCulture, $"exec {pidFd} {controlFd} {(userNamespace ? 1 : 0)} {specFd} {(tty ? 1 : 0)}"));
    }

    private static void Inherit(int fd) => Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, 0), "fcntl F_SETFD", $"descriptor {fd}");

    private static void ReExec(IReadOnlyList<string> arguments, string request)
    {
        List<string> env = [.. Spawner.CurrentEnvironment().Where(v => !v.StartsWith(RequestVariable, StringComparison.Ordinal) &&
            !v.StartsWith(SetupSteps.CarriedVariable, StringComparison.Ordinal)), $"{RequestVariable}={request}"];
        if (SetupSteps.Carried() is { } steps)
        {
            env.Add($"{SetupSteps.CarriedVariable}={steps}");
        }
        Spawner.Exec(Executor.Stage1.Self, [Executor.Stage1.FileName, .. arguments], env);
    }
}

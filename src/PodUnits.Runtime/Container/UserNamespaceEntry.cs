using System.Globalization;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// How container-start and container-exec get into a pod's user namespace. The kernel lets
/// only a single-threaded process join a user namespace, and a .NET process never is one;
/// so the process re-executes itself (same PID, same scope) with PODUNITS_ENTER set, and the
/// C constructor in stage 1 (src/PodUnits.Stage1/Native/enter.c) takes the step before the
/// runtime starts.
/// <list type="bullet">
/// <item>container-start: pivot_root into the root built here as host root, setns into the
/// namespace, and the native last steps (<see cref="ExecSpec"/>) at once: the .NET runtime
/// never starts a second time on the start path, which would cost more than everything else
/// a user namespace does (docs/user-namespaces.md, "Cost").</item>
/// <item>container-exec (exec probes, `podunits enter`), with or without a user namespace:
/// setns into the container's mount (and user) namespaces and fork into its PID namespace,
/// then managed code goes on in that child (as the namespace's root) from where it left off
/// (<see cref="Entered"/>), reading the plan from a descriptor: the pod's /run is out of reach
/// in the container's root.</item>
/// </list>
/// </summary>
internal static class UserNamespaceEntry
{
    public const string RequestVariable = "PODUNITS_ENTER";
    public const string EnteredVariable = "PODUNITS_ENTERED";

    /// <summary>True in the re-executed process: the constructor already took the step.</summary>
    public static bool Entered => Environment.GetEnvironmentVariable(EnteredVariable) == "1";

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
    /// <paramref name="pidFd"/> refers to, where the constructor forks into its PID namespace:
    /// the process goes on in that child. A failure in the constructor is reported on the
    /// control socket <paramref name="controlFd"/>. Returns only by throwing.</summary>
    public static void Join(string planPath, IReadOnlyList<string> arguments, int pidFd, int controlFd, bool userNamespace)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        Inherit(pidFd);
        Inherit(controlFd);
        ReExec(["container-exec", HandOff(planPath), .. arguments],
            string.Create(CultureInfo.InvariantCulture, $"join {pidFd} {controlFd} {(userNamespace ? 1 : 0)}"));
    }

    /// <summary>The plan, from its path or, in the re-executed process, from the descriptor
    /// handed over. That descriptor is read, never reopened through /proc (the plan is host
    /// root's, 0600, and the namespace's root is not host root), and then closed: the
    /// container's command must not inherit it. Before the re-exec a /proc/self/fd path is
    /// opened as a file: the descriptor stays for <see cref="Join"/> to hand over.</summary>
    public static PodPlan ReadPlan(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Entered || State.PlanHandoff.FdOf(path) is not int fd)
        {
            return PodPlan.Read(path);
        }
        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
        using var reader = new StreamReader(stream);
        return PodPlan.FromJson(reader.ReadToEnd(), path);
    }

    /// <summary>An open descriptor of the plan that survives the exec, as a path the
    /// re-executed process can read inside the container's root (its own /proc).</summary>
    private static string HandOff(string planPath)
    {
        int fd = Check.Io(LibcExtra.open(planPath, 0 /* O_RDONLY, no O_CLOEXEC */, 0), "open", planPath);
        return State.PlanHandoff.PathOf(fd);
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

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
/// runtime starts: for container-start, pivot_root into the root built here as host root,
/// then setns into the namespace; for container-exec, setns into the container's mount and
/// user namespaces. Managed code then goes on as the namespace's root from where it left off
/// (<see cref="Entered"/>) and drops to the container's user, capabilities and filter as
/// always. The re-executed process reads the plan from a descriptor: once inside the
/// container's root, the pod's /run is out of reach.
/// </summary>
internal static class UserNamespaceEntry
{
    public const string RequestVariable = "PODUNITS_ENTER";
    public const string EnteredVariable = "PODUNITS_ENTERED";
    private const string ProcFdPrefix = "/proc/self/fd/";

    /// <summary>True in the re-executed process: the constructor already took the step.</summary>
    public static bool Entered => Environment.GetEnvironmentVariable(EnteredVariable) == "1";

    /// <summary>container-start: re-executes into <paramref name="root"/> and the pod's user
    /// namespace. A failure in the constructor writes one byte to <paramref name="reportFd"/>,
    /// as any other set-up failure does. Returns only by throwing.</summary>
    public static void PivotAndEnter(string planPath, string container, string root, ContainerUsers users, int reportFd)
    {
        ArgumentNullException.ThrowIfNull(users);
        Inherit(reportFd);
        Inherit(users.NamespaceFd);
        ReExec(["container-start", HandOff(planPath), container],
            string.Create(CultureInfo.InvariantCulture, $"pivot {root} {users.NamespaceFd} {reportFd}"));
    }

    /// <summary>container-exec: re-executes into the mount and user namespaces of the
    /// container process <paramref name="pidFd"/> refers to; a failure in the constructor is
    /// reported on the control socket <paramref name="controlFd"/>. Returns only by throwing.</summary>
    public static void Join(string planPath, IReadOnlyList<string> arguments, int pidFd, int controlFd)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        Inherit(pidFd);
        Inherit(controlFd);
        ReExec(["container-exec", HandOff(planPath), .. arguments],
            string.Create(CultureInfo.InvariantCulture, $"join {pidFd} {controlFd}"));
    }

    /// <summary>The plan, from its path or, in the re-executed process, from the descriptor
    /// handed over. That descriptor is read, never reopened through /proc (the plan is host
    /// root's, 0600, and the namespace's root is not host root), and then closed: the
    /// container's command must not inherit it.</summary>
    public static PodPlan ReadPlan(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith(ProcFdPrefix, StringComparison.Ordinal) ||
            !int.TryParse(path.AsSpan(ProcFdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
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
        return ProcFdPrefix + fd.ToString(CultureInfo.InvariantCulture);
    }

    private static void Inherit(int fd) => Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, 0), "fcntl F_SETFD", $"descriptor {fd}");

    private static void ReExec(IReadOnlyList<string> arguments, string request)
    {
        List<string> env = [.. Spawner.CurrentEnvironment().Where(v => !v.StartsWith(RequestVariable, StringComparison.Ordinal)), $"{RequestVariable}={request}"];
        Spawner.Exec("/proc/self/exe", [Executor.Stage1.FileName, .. arguments], env);
    }
}

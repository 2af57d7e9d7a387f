using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod's user namespace (hostUsers: false), made by the pod init before any container
/// starts and kept as a descriptor for the pod's life; every container-start joins it
/// (Container/UserNamespaceEntry.cs). A user namespace can only be created by a
/// single-threaded process, so a short-lived helper makes it: stage 1 spawned with
/// PODUNITS_ENTER=hold, whose C constructor unshares one before the .NET runtime starts and
/// waits. The pod init then writes the helper's ID maps (as their creator's parent, with
/// host root's privileges, which the kernel requires for a range beyond one's own IDs),
/// opens the namespace and lets the helper exit. The namespace is owned by host root, and the
/// pod's other namespaces are not owned by it: container root's capabilities reach only what
/// the pod's user namespace owns (capabilities(7), user_namespaces(7)).
/// </summary>
internal static class PodUserNamespace
{
    /// <summary>A descriptor of a new user namespace mapping 0..Size-1 onto the pod's range.</summary>
    public static unsafe int Create(IdMapping users)
    {
        ArgumentNullException.ThrowIfNull(users);
        (int mine, int theirs) = Spawner.SocketPair();
        int pid;
        try
        {
            pid = Spawner.Spawn(Environment.ProcessPath ?? "/proc/self/exe", [Executor.Stage1.FileName, "userns-hold"],
                [$"{Container.UserNamespaceEntry.RequestVariable}=hold"], [(2, 2), (theirs, 3)]);
        }
        finally
        {
            LibcExtra.close(theirs);
        }
        try
        {
            byte ready;
            if (LibcExtra.read(mine, &ready, 1) != 1)
            {
                throw new PodUnitsException("user namespace", "the helper that creates it ended first (its reason is in the journal)");
            }
            string proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
            // setgroups stays allowed: the maps are written by a privileged process.
            File.WriteAllText($"{proc}/uid_map", users.MapLine);
            File.WriteAllText($"{proc}/gid_map", users.MapLine);
            return Check.Io(LibcExtra.open($"{proc}/ns/user", LibcExtra.O_RDONLY | LibcExtra.O_CLOEXEC, 0), "open", $"{proc}/ns/user");
        }
        finally
        {
            LibcExtra.close(mine); // the helper's read ends: it exits
            LibcExtra.waitpid(pid, out _, 0);
        }
    }
}

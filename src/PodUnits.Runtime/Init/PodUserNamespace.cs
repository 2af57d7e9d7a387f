using System.Diagnostics;
using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Init;

/// <summary>
/// The pod's user namespace (hostUsers: false), made by the pod init before any container
/// starts and kept as a descriptor for the pod's life; every container-start joins it
/// (Container/UserNamespaceEntry.cs). Made by native code (src/PodUnits.Stage1/Native/userns.c):
/// a threaded process cannot unshare a user namespace, and a helper program would cost an
/// exec on every start. The namespace is owned by host root, and the pod's other namespaces
/// are not owned by it: container root's capabilities reach only what the pod's user
/// namespace owns (capabilities(7), user_namespaces(7)).
/// </summary>
internal static class PodUserNamespace
{
    /// <summary>A descriptor of a new user namespace mapping 0..Size-1 onto the pod's range;
    /// with PODUNITS_VERBOSE, how long it took (bench/sections/userns.sh reads that line).</summary>
    public static int Create(string pod, IdMapping users)
    {
        ArgumentNullException.ThrowIfNull(users);
        long began = Stopwatch.GetTimestamp();
        int fd = Container.Stage1Native.CreateUserNamespace(users.MapLine, out string error);
        if (fd < 0)
        {
            throw new PodUnitsException($"user namespace {users}", error);
        }
        if (Verbosity.IsOn)
        {
            StageLog.Information(string.Create(CultureInfo.InvariantCulture,
                $"podunits: pod {pod}: user namespace {users} made in {Stopwatch.GetElapsedTime(began).TotalMilliseconds:0.000} ms"));
        }
        return fd;
    }
}

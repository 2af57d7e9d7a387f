using PodUnits.Core.Files;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.State;

/// <summary>
/// Where pods' user-namespace ranges are kept (one file per pod, under one lock: the ranges
/// themselves are Planning.State.UserNamespaceRanges'), and the one change stage 1 makes: an
/// ad-hoc pod's range goes with its state. The executor deletes that state when the pod ends,
/// and its range was left behind until someone ran `podunits gc`: with userNamespaces: auto
/// every `podunits run -i` kept a file, each start read them all under the lock, and the
/// pool ran out (user-namespace review of 2026-12-06, finding 4).
/// </summary>
public static class UserNamespaceRangeFiles
{
    public const string DefaultDirectory = "/var/lib/podunits/userns";

    public static string LockPath(string directory) => Path.Combine(directory, ".lock");

    public static string PathOf(string directory, string pod) => Path.Combine(directory, pod);

    /// <summary>Gives up <paramref name="pod"/>'s range, if it holds one. Only for a pod whose
    /// files are gone (or going) with it: they carry the range's IDs. Never fails the pod's
    /// end over it: a range left behind is what `podunits gc` releases.</summary>
    public static void Forget(string pod, string directory = DefaultDirectory)
    {
        try
        {
            if (!File.Exists(PathOf(directory, pod)))
            {
                return;
            }
            using FileLock _ = FileLock.Exclusive(LockPath(directory));
            File.Delete(PathOf(directory, pod));
            AtomicFile.SyncDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PodUnits.Core.Errors.PodUnitsException)
        {
            // Left for gc, which says which range it releases.
        }
    }
}

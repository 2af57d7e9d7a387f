using PodUnits.Definitions;
using PodUnits.Images.Store;
using PodUnits.Logging;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.State;

/// <summary>For <c>podunits gc</c>: removes runtime state of pods whose executor is gone
/// (a crash skips the executor's own cleanup; the kernel already removed processes and
/// mounts with the pod's namespaces), and their image pins, which live on disk and would
/// otherwise keep images from `image rm` and gc across reboots.</summary>
public static class PodStateGc
{
    /// <summary>Returns the names of the pods whose stale state was removed.</summary>
    public static IReadOnlyList<string> Collect()
    {
        var removed = new List<string>();
        if (Directory.Exists(PodPaths.RuntimeRoot))
        {
            foreach (string dir in Directory.EnumerateDirectories(PodPaths.RuntimeRoot))
            {
                string pod = Path.GetFileName(dir);
                if (!PodClaim.IsHeld(pod))
                {
                    PodState.Release(pod);
                    removed.Add(pod);
                }
            }
        }
        foreach (string pod in PodImages.ReadAll(ImageStore.DefaultRoot).Select(pin => pin.Pod).Distinct().ToList())
        {
            if (!PodClaim.IsHeld(pod))
            {
                PodImages.Delete(ImageStore.DefaultRoot, pod);
                if (!removed.Contains(pod))
                {
                    removed.Add(pod);
                }
            }
        }
        // Network attachments a killed executor could not release: CNI DEL from the cache
        // (with the namespace still pinned), then the pin.
        foreach (string pod in NetworkLeftovers().Where(p => !PodClaim.IsHeld(p)))
        {
            try
            {
                PodNetwork.ReleaseLeftoversAsync(CniRuntime.Default, pod, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Core.Errors.PodUnitsException e)
            {
                PodLog.Warning($"pod {pod}: releasing its network: {e.Message}; kept for the next gc", new(Pod: pod));
                continue;
            }
            if (!removed.Contains(pod))
            {
                removed.Add(pod);
            }
        }
        // Lock files of pods that no longer run (gc takes each lock before removing it).
        if (Directory.Exists(PodPaths.RuntimeRoot))
        {
            foreach (string lockFile in Directory.EnumerateFiles(PodPaths.RuntimeRoot, "*.lock"))
            {
                string pod = Path.GetFileNameWithoutExtension(lockFile);
                if (!Directory.Exists(PodPaths.RuntimeDir(pod)))
                {
                    PodClaim.TryCollect(pod);
                }
            }
        }
        return removed;
    }

    /// <summary>Releases the user namespace ID range of every pod whose definition is gone
    /// from <paramref name="definitions"/> (the pod search path) and that is not running, and
    /// returns them. A pod whose definition exists keeps its range: its writable layer and
    /// emptyDir volumes hold files owned by it. A pod run from a file outside the search path
    /// loses its range once it stops.</summary>
    public static IReadOnlyList<(string Pod, IdMapping Range)> ReleaseUserNamespaceRanges(
        PodDefinitionSearchPath? definitions = null, string directory = UserNamespaceRanges.DefaultDirectory)
    {
        PodDefinitionSearchPath search = definitions ?? PodDefinitionSearchPath.Default;
        return UserNamespaceRanges.ReleaseUnused(pod => search.Find(pod) is not null || PodClaim.IsHeld(pod), directory);
    }

    private static List<string> NetworkLeftovers() =>
        [.. CniRuntime.Default.Cache.ReadAll().Select(e => e.Pod).Concat(NetnsPins.Pinned()).Distinct(StringComparer.Ordinal)];
}

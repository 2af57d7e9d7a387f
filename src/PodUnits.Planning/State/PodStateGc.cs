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
        IEnumerable<string> runtimeDirs = Directory.Exists(PodPaths.RuntimeRoot)
            ? Directory.EnumerateDirectories(PodPaths.RuntimeRoot).Select(d => Path.GetFileName(d)) : [];
        IReadOnlySet<string> cached = PodsInNetworkCache();
        List<string> candidates = [.. runtimeDirs
            .Concat(PodImages.ReadAll(ImageStore.DefaultRoot).Select(pin => pin.Pod))
            .Concat(cached).Concat(NetnsPins.Pinned()).Concat(EndedAdHocStates())
            .Distinct(StringComparer.Ordinal)];
        List<string> removed = [.. candidates.Where(pod => !PodClaim.IsHeld(pod) && CollectPod(pod, cached).Count > 0)];
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

    /// <summary>What <paramref name="pod"/>'s executor left when it was killed (a crash skips
    /// its own clean-up), in words: its runtime state, its image pins, its network attachment
    /// (the CNI cache's entries and the namespace pin). Empty while the pod runs.
    /// <paramref name="cached"/>: the pods with entries in the CNI cache
    /// (<see cref="PodsInNetworkCache"/>), read once for many pods; null reads the cache.</summary>
    public static IReadOnlyList<string> Leftovers(string pod, IReadOnlySet<string>? cached = null)
    {
        if (PodClaim.IsHeld(pod))
        {
            return [];
        }
        var left = new List<string>();
        if (Directory.Exists(PodPaths.RuntimeDir(pod)))
        {
            left.Add(RuntimeState);
        }
        if (File.Exists(PodImages.PathFor(ImageStore.DefaultRoot, pod)))
        {
            left.Add(ImagePins);
        }
        if (NetnsPins.Exists(pod) || (cached ?? PodsInNetworkCache()).Contains(pod))
        {
            left.Add(NetworkAttachment);
        }
        if (IsEndedAdHocState(pod))
        {
            left.Add(AdHocState);
        }
        return left;
    }

    /// <summary>An ad-hoc pod's state that was to go with it (no --keep): marked on disk, so
    /// found after a reboot emptied /run too, or when stage 0 died before it wrote anything
    /// there. Only for a pod that does not run.</summary>
    private static bool IsEndedAdHocState(string pod) =>
        File.Exists(PodState.AdHocMarkerPath(pod)) && !File.Exists(PodState.KeptAdHocDefinitionPath(pod));

    /// <summary>The pods with an ad-hoc state directory that was to go with them.</summary>
    private static IEnumerable<string> EndedAdHocStates() =>
        Directory.Exists(PodPaths.StateRoot)
            ? Directory.EnumerateDirectories(PodPaths.StateRoot).Select(d => Path.GetFileName(d)).Where(IsEndedAdHocState)
            : [];

    /// <summary>Releases what <see cref="Leftovers"/> lists of a pod that does not run, and
    /// returns what it released. A network attachment whose release fails is kept for the
    /// next try, with a warning (its DEL needs the pinned namespace). <paramref name="cached"/>
    /// as for <see cref="Leftovers"/>.</summary>
    public static IReadOnlyList<string> CollectPod(string pod, IReadOnlySet<string>? cached = null)
    {
        var released = new List<string>();
        // Holding the pod's name all along, not only looking at it first: a start between the
        // look and the release (a Restart= of the unit) would otherwise lose its new network
        // (DEL of its veth, its address given back for the next pod), its pin and its state.
        // A start meanwhile is refused as a start of a running pod is.
        PodClaim.WhileUnclaimedAsync(pod, () =>
        {
            // Looked at under the claim: a run that ended just now may have left processes
            // stopping, and `podunits stop` comes here without gc's look first (recovery
            // review of 2026-12-07, finding 4).
            if (!StillRunning(pod))
            {
                ReleaseEach(pod, cached, released);
            }
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
        return released;
    }

    /// <summary>
    /// <see cref="Release"/>, with what would not go said and left for the next gc: one file a
    /// container made immutable, or a mount point busy, ended gc there, before every pod after
    /// it, the slices, the ID ranges and the images; and since the order is the same each time,
    /// every later gc too (recovery review of 2026-12-07, finding 3).
    /// </summary>
    private static void ReleaseEach(string pod, IReadOnlySet<string>? cached, List<string> released)
    {
        try
        {
            Release(pod, cached, released);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
        {
            string why = e is UnauthorizedAccessException ? "permission denied (a file made immutable in a container? 'lsattr -R' shows it)" : e.Message;
            PodLog.Warning($"pod {pod}: releasing what its run left: {why}; the rest is kept for the next gc", new(Pod: pod));
        }
    }

    /// <summary>A pod without its claim whose processes run on (its executor was killed and
    /// its containers drain): said, and left for a later gc.</summary>
    private static bool StillRunning(string pod)
    {
        if (!PodProcesses.AnyLeft(pod))
        {
            return false;
        }
        PodLog.Warning($"pod {pod}: its executor is gone but its processes still run (stopping?); its state is left for a later gc", new(Pod: pod));
        return true;
    }

    private static void Release(string pod, IReadOnlySet<string>? cached, List<string> released)
    {
        // An ad-hoc pod (`run -i`) without --keep: its writable layers and volumes were to go
        // with it, as its executor removes them on a clean way out.
        bool adHocState = IsEndedAdHocState(pod);
        // The network first, while the name's lock file is still the one held: removing an
        // ad-hoc pod's state unlinks it, and a start after that takes a fresh one.
        // CNI DEL from the cache (with the namespace still pinned), then the pin.
        if (NetnsPins.Exists(pod) || (cached ?? PodsInNetworkCache()).Contains(pod))
        {
            try
            {
                PodNetwork.ReleaseLeftoversAsync(CniRuntime.Default, pod, CancellationToken.None).GetAwaiter().GetResult();
                released.Add(NetworkAttachment);
            }
            catch (Core.Errors.PodUnitsException e)
            {
                PodLog.Warning($"pod {pod}: releasing its network: {e.Message}; kept for the next gc", new(Pod: pod));
            }
        }
        if (Directory.Exists(PodPaths.RuntimeDir(pod)))
        {
            PodState.Release(pod);
            released.Add(RuntimeState);
        }
        if (File.Exists(PodImages.PathFor(ImageStore.DefaultRoot, pod)))
        {
            PodImages.Delete(ImageStore.DefaultRoot, pod);
            released.Add(ImagePins);
        }
        if (adHocState && PodState.DeleteAdHoc(pod))
        {
            released.Add(AdHocState);
        }
    }

    private const string RuntimeState = "runtime state";
    private const string ImagePins = "image pins";
    private const string AdHocState = "the ad-hoc pod's writable layers and volumes";
    private const string NetworkAttachment = "network attachment (lease, veth, port rules)";

    /// <summary>The pods that have attachments in the CNI cache (running or left by a killed executor).</summary>
    public static IReadOnlySet<string> PodsInNetworkCache() =>
        CniRuntime.Default.Cache.ReadAll().Select(e => e.Pod).ToHashSet(StringComparer.Ordinal);

    /// <summary>Releases the user namespace ID range of every pod whose definition is gone
    /// from <paramref name="definitions"/> (the pod search path) and that is not running, and
    /// returns them. A pod whose definition exists keeps its range: its writable layer and
    /// emptyDir volumes hold files owned by it. So does a pod whose state directory
    /// (<paramref name="stateRoot"/>/NAME) is still there, definition or not: those are
    /// returned as kept. A pod run from a file outside the search path loses its range once
    /// it stops and its state is gone.</summary>
    public static RangeRelease ReleaseUserNamespaceRanges(
        PodDefinitionSearchPath? definitions = null, string directory = UserNamespaceRanges.DefaultDirectory, string stateRoot = PodPaths.StateRoot)
    {
        PodDefinitionSearchPath search = definitions ?? PodDefinitionSearchPath.Default;
        List<string> keptForState = [];
        bool InUse(string pod)
        {
            if (search.Find(pod) is not null || PodClaim.IsHeld(pod) || PodProcesses.AnyLeft(pod))
            {
                return true;
            }
            // The state of a removed pod stays (packaging.md) and its files are owned by the
            // range: released, the range went to the next pod, which then owned them for ls,
            // find -uid, quotas and audit (user-namespace review of 2026-12-07, finding 4).
            // An ad-hoc pod's state (kept with --keep, or not yet removed: a file that would
            // not go) is such a state too (own-diff review of 2026-12-07); `podunits rm`
            // releases it with its range.
            if (!Directory.Exists(Path.Join(stateRoot, pod)))
            {
                return false;
            }
            if (!File.Exists(Path.Join(stateRoot, pod, Path.GetFileName(PodState.AdHocMarkerPath(pod)))))
            {
                keptForState.Add(pod);
            }
            return true;
        }
        return UserNamespaceRanges.ReleaseUnused(InUse, directory) with { KeptForState = keptForState };
    }
}

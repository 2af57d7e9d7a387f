using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;


namespace PodUnits.Planning.Configuration;

/// <summary>A named volume (persistentVolumeClaim), its size and the running pods that mount it.</summary>
public sealed record NamedVolume(string Name, string Path, long Bytes, IReadOnlyList<string> UsedBy);

/// <summary>
/// `podunits volume list|rm`: the directories under /var/lib/podunits/volumes that
/// persistentVolumeClaim volumes name, like podman's named volumes. A volume outlives every
/// pod (gc never touches one, only what an interrupted rm left); rm refuses one that a pod
/// that runs or is starting mounts.
/// </summary>
public static class NamedVolumes
{
    public static IReadOnlyList<NamedVolume> List(string root = ClaimVolume.Root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }
        Dictionary<string, List<string>> users = RunningUsers(root);
        // Not the hidden .removing-NAME-* of a removal (NamedVolumeLeftovers).
        return [.. new DirectoryInfo(root).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => new NamedVolume(d.Name, d.FullName, Size(d), users.GetValueOrDefault(d.FullName) ?? []))];
    }

    /// <summary>By descriptor, names as bytes (<see cref="DescriptorTree"/>): pods wrote in
    /// the volume (volumes review of 2026-12-07, findings 1 and 2).</summary>
    public static void Remove(string name, string root = ClaimVolume.Root) =>
        Remove(name, root, DescriptorTree.Remove);

    /// <param name="delete">Removes the volume's directory and all in it.</param>
    internal static void Remove(string name, string root, Action<string> delete) => Remove(name, root, VolumeLocks.Root, delete);

    /// <summary>Under the volume's lock, taken exclusive (<see cref="VolumeLocks"/>): refused
    /// while a pod starts or runs with it, and no pod starts with it until the removal is done
    /// (volumes review of 2026-12-07, finding 3). The directory is renamed aside before it is
    /// deleted (<see cref="NamedVolumeLeftovers"/>), and what an earlier rm of the name left
    /// goes too.</summary>
    /// <param name="lockDir">Where the volumes' lock files are.</param>
    internal static void Remove(string name, string root, string lockDir, Action<string> delete)
    {
        ArgumentNullException.ThrowIfNull(delete);
        string what = $"volume {name}";
        if (ClaimVolume.ExplainName(name) is string why)
        {
            throw new BadInputException(what, why);
        }
        string path = $"{root}/{name}";
        if (!Directory.Exists(path) && NamedVolumeLeftovers.In(root, name).Count == 0)
        {
            throw new BadInputException(what, $"no such volume in {root}");
        }
        int held = VolumeLocks.TryExclusive(name, lockDir) ?? throw InUse(name, root, lockDir);
        try
        {
            // A pod of a PodUnits from before the lock holds none: its plan still says it.
            if (RunningUsers(root).GetValueOrDefault(path) is { Count: > 0 } pods)
            {
                throw InUseBy(what, pods);
            }
            if (new FileInfo(path).LinkTarget is not null)
            {
                // A link to a directory elsewhere (another disk): the link goes, as rm of such a
                // volume always did; what it names was never PodUnits' to delete.
                File.Delete(path);
            }
            else if (Directory.Exists(path))
            {
                MoveAsideAndDelete(name, path, delete);
            }
            foreach (string leftover in NamedVolumeLeftovers.In(root, name))
            {
                NamedVolumeLeftovers.TryDelete(leftover, dir => Deleting(name, dir, delete));
            }
        }
        finally
        {
            Core.Native.LibcExtra.close(held);
        }
    }

    /// <summary>Renames the volume aside and deletes it. A rename or lock the host refuses (a
    /// volume that is a mount point: EBUSY; one made immutable: EPERM) is one line, as the
    /// deletion's failures are, not "internal error" (review of the merged volume change,
    /// 2026-12-07, finding 3).</summary>
    private static void MoveAsideAndDelete(string name, string path, Action<string> delete)
    {
        try
        {
            NamedVolumeLeftovers.MoveAsideAndDelete(path, aside => Deleting(name, aside, delete));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NativeCallException)
        {
            string reason = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            throw new PodUnitsException($"volume {name}", $"cannot move {path} aside to remove it: {reason} " +
                $"(a mount point? unmount it first; made immutable? 'lsattr -d {path}' shows it)", ExitCodes.RuntimeFailure, e);
        }
    }

    /// <summary>`podunits gc`: deletes what interrupted removals left (.removing-NAME-*), but
    /// one another removal is deleting; returns the directories deleted, and says each that
    /// could not all go to <paramref name="warning"/>.</summary>
    public static IReadOnlyList<string> CollectLeftovers(Action<string> warning, string root = ClaimVolume.Root) =>
        CollectLeftovers(warning, root, DescriptorTree.Remove); // the deleter Remove uses

    internal static IReadOnlyList<string> CollectLeftovers(Action<string> warning, string root, Action<string> delete)
    {
        ArgumentNullException.ThrowIfNull(warning);
        var removed = new List<string>();
        foreach (string leftover in NamedVolumeLeftovers.In(root))
        {
            string name = NamedVolumeLeftovers.VolumeOf(Path.GetFileName(leftover)) ?? Path.GetFileName(leftover);
            try
            {
                if (NamedVolumeLeftovers.TryDelete(leftover, dir => Deleting(name, dir, delete)))
                {
                    removed.Add(leftover);
                }
            }
            catch (PodUnitsException e)
            {
                warning(e.Message);
            }
        }
        return removed;
    }

    /// <summary>Runs <paramref name="delete"/> on <paramref name="dir"/>, the volume renamed
    /// aside, saying a failure in one line.</summary>
    private static void Deleting(string name, string dir, Action<string> delete)
    {
        try
        {
            delete(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DescriptorTreeException)
        {
            // Not an "internal error" with .NET's resource key (UseSystemResourceKeys), and
            // said to be half done: what was removed is gone. EPERM on root's unlink is a file a
            // container made immutable or append-only (CLI review of 2026-12-07, finding 5).
            string reason = e is UnauthorizedAccessException
                ? $"permission denied (a file made immutable in a container? 'lsattr -R {dir}' shows it)"
                : e is DescriptorTreeException walk ? walk.Why : e.Message; // the walker names the entry in dir
            throw new PodUnitsException($"volume {name}", $"could not remove all of it: {reason}; what is left is in {dir}, "
                + $"which 'podunits volume rm {name}' or 'podunits gc' removes once that is mended", ExitCodes.RuntimeFailure, e);
        }
    }

    /// <summary>Why the volume's lock could not be had: another removal, or a pod that runs
    /// or is starting (named when its plan says so).</summary>
    private static PodUnitsException InUse(string name, string root, string lockDir)
    {
        string what = $"volume {name}";
        if (VolumeLocks.IsBeingRemoved(name, lockDir))
        {
            return new PodUnitsException(what, "is being removed already, by another 'podunits volume rm'");
        }
        return RunningUsers(root).GetValueOrDefault($"{root}/{name}") is { Count: > 0 } pods
            ? InUseBy(what, pods)
            : new PodUnitsException(what, "is in use by a pod that is starting; stop it first");
    }

    private static PodUnitsException InUseBy(string what, List<string> pods) =>
        new(what, $"is in use by running pod{(pods.Count == 1 ? "" : "s")} {string.Join(", ", pods)}; stop {(pods.Count == 1 ? "it" : "them")} first");

    /// <summary>Volume path to the running pods whose plan mounts it.</summary>
    private static Dictionary<string, List<string>> RunningUsers(string root)
    {
        var users = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!Directory.Exists(PodPaths.RuntimeRoot))
        {
            return users;
        }
        foreach (string dir in Directory.EnumerateDirectories(PodPaths.RuntimeRoot))
        {
            string pod = System.IO.Path.GetFileName(dir);
            // The claim's lock says whether the pod runs; a state directory alone may be stale.
            if (!PodClaim.IsHeld(pod) || !File.Exists($"{dir}/plan.json"))
            {
                continue;
            }
            PodPlan plan;
            try
            {
                plan = PodPlan.Read($"{dir}/plan.json");
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or PodUnitsException)
            {
                continue; // a pod that is just starting or ending
            }
            foreach (string claim in plan.ClaimDirs.Where(c => c.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                (users.TryGetValue(claim, out List<string>? list) ? list : users[claim] = []).Add(pod);
            }
        }
        return users;
    }

    /// <summary>What the volume holds on disk, as du -x counts it. Not .NET's recursive
    /// enumeration, which follows symlinks to directories: a container's `ln -s / host` in
    /// the volume made this root process walk the whole host (and a link to '.' loop).</summary>
    private static long Size(DirectoryInfo dir) => DiskUsage.Of(dir.FullName);
}

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
/// pod (gc never touches it); rm refuses one that a running pod mounts.
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
        return [.. new DirectoryInfo(root).EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => new NamedVolume(d.Name, d.FullName, Size(d), users.GetValueOrDefault(d.FullName) ?? []))];
    }

    public static void Remove(string name, string root = ClaimVolume.Root) =>
        Remove(name, root, path => Directory.Delete(path, recursive: true));

    /// <param name="delete">Removes the volume's directory and all in it.</param>
    internal static void Remove(string name, string root, Action<string> delete)
    {
        ArgumentNullException.ThrowIfNull(delete);
        string what = $"volume {name}";
        if (ClaimVolume.ExplainName(name) is string why)
        {
            throw new BadInputException(what, why);
        }
        string path = $"{root}/{name}";
        if (!Directory.Exists(path))
        {
            throw new BadInputException(what, $"no such volume in {root}");
        }
        if (RunningUsers(root).GetValueOrDefault(path) is { Count: > 0 } pods)
        {
            throw new PodUnitsException(what, $"is in use by running pod{(pods.Count == 1 ? "" : "s")} {string.Join(", ", pods)}; stop {(pods.Count == 1 ? "it" : "them")} first");
        }
        try
        {
            delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not an "internal error" with .NET's resource key (UseSystemResourceKeys), and
            // said to be half done: what was removed is gone. EPERM on root's unlink is a file a
            // container made immutable or append-only (CLI review of 2026-12-07, finding 5).
            string reason = e is UnauthorizedAccessException
                ? $"permission denied in {path} (a file made immutable in a container? 'lsattr -R' shows it)"
                : e.Message;
            throw new PodUnitsException(what, $"could not remove all of it: {reason}; once that is mended, 'podunits volume rm {name}' again", ExitCodes.RuntimeFailure, e);
        }
    }

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

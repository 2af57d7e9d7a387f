using System.Text;

namespace PodUnits.Generator;

/// <summary>
/// The generator's files for the definition a running pod started from, which stage 0 saves
/// under the pod's runtime state (/run/podunits/state/NAME/unit) and the generator writes
/// again when that pod's definition no longer loads, or is gone. Without them, a daemon-reload (a
/// package's `podunits refresh`) after an upgrade broke the definition, or after a PodUnits
/// upgrade that refuses what the older one accepted, left the running pod@NAME.service bare:
/// Restart=no and the template's 45 s stop timeout instead of its restartPolicy and grace
/// period, its socket unit gone (upgrade review of 2026-12-07, finding 1). Kubernetes, too,
/// keeps a pod on the spec it was admitted with when an update is refused.
/// </summary>
/// <remarks>
/// "Running" is the pod's claim held (<paramref name="isRunning"/>: PodClaim.IsHeld, one
/// open and a non-blocking shared flock, as status and gc look), not the saved files being
/// there: a killed executor leaves its runtime directory until the next start or gc, and a
/// stale copy then gave a stopped pod the settings of a definition that no longer loads. The
/// claim is the kernel's: released when the executor dies, never held by a reused PID, and
/// readable from the generator's sandbox (a lock on the same inode in any mount namespace).
/// The files are read before the claim is tested, so a copy used was its runner's while that
/// run held the claim. Looked up for a definition that fails, and for a pod whose definition
/// is gone (<see cref="FindAll"/>): a boot's run, where /run is empty, pays nothing.
/// </remarks>
/// <param name="directoryOf">Where a pod's saved files are (PodState.SavedUnitSettingsDir).</param>
/// <param name="isRunning">Whether a pod's claim is held.</param>
/// <param name="podsWithState">The names of the pods that have runtime state (the entries of
/// /run/podunits/state), for <see cref="FindAll"/>; null: none.</param>
public sealed class RunningPodSettings(Func<string, string> directoryOf, Func<string, bool> isRunning, Func<IEnumerable<string>>? podsWithState = null)
{
    private const string SocketFileName = "socket";

    /// <summary>Stage 0's side: the files the generator renders for <paramref name="settings"/>,
    /// into <paramref name="directory"/>, each replaced whole (a generator reading meanwhile sees
    /// a whole file or none). The socket first: the drop-in says the copy is complete.</summary>
    public static void Save(string directory, PodUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (settings.SocketActivated)
        {
            Core.Files.AtomicFile.Write(Path.Combine(directory, SocketFileName), Encoding.UTF8.GetBytes(SocketUnitRenderer.Render(settings)), Private);
        }
        Core.Files.AtomicFile.Write(Path.Combine(directory, DropInRenderer.FileName), Encoding.UTF8.GetBytes(DropInRenderer.Render(settings)), Private);
    }

    /// <summary>Whether stage 0 saved the files in <paramref name="directory"/>: the drop-in,
    /// written last, says the copy is complete. A pod started before PodUnits saved them has
    /// none, and its unit falls back to the template at a reload (merged-changes review of
    /// 2026-12-07, finding 3).</summary>
    public static bool IsSaved(string directory) => File.Exists(Path.Combine(directory, DropInRenderer.FileName));

    /// <summary>The saved files of <paramref name="pod"/> while it runs; null when it does not
    /// run, has none saved (started before this version, by hand from a file, ad hoc), or they
    /// cannot be read.</summary>
    public SavedUnitFiles? Find(string pod)
    {
        string directory = directoryOf(pod);
        try
        {
            if (!IsSaved(directory))
            {
                return null;
            }
            string dropIn = Path.Combine(directory, DropInRenderer.FileName);
            string socket = Path.Combine(directory, SocketFileName);
            var saved = new SavedUnitFiles(File.ReadAllText(dropIn), File.Exists(socket) ? File.ReadAllText(socket) : null);
            return isRunning(pod) ? saved : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
        {
            // The pod ending this moment (its directory going), or a claim that cannot be
            // looked at: the unit gets what a definition that does not load always got.
            return null;
        }
    }

    /// <summary>
    /// The saved files of every running pod not named in <paramref name="except"/> (the names
    /// the search path defines), in name order. Removing a running pod's definition (a package
    /// removed, a file deleted) left its unit bare at the reload before refresh stops it: the
    /// stop then had the template's 45 s, not the pod's grace period, and systemd SIGKILLed
    /// the pod in the middle of its shutdown (generator review of 2026-12-07, finding 1).
    /// </summary>
    public IEnumerable<KeyValuePair<string, SavedUnitFiles>> FindAll(IReadOnlySet<string> except)
    {
        ArgumentNullException.ThrowIfNull(except);
        string[] names;
        try
        {
            names = podsWithState is null ? [] : [.. podsWithState()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break; // no state to look at: nothing runs that the generator could know of
        }
        // Only names a pod can have: an entry that is not one (a lock file's name, a stray
        // directory) must not become a path in the generator's output.
        foreach (string pod in names.Where(n => !except.Contains(n) && Core.Naming.ResourceNames.IsValid(n)).Order(StringComparer.Ordinal))
        {
            if (Find(pod) is { } saved)
            {
                yield return new(pod, saved);
            }
        }
    }
}

/// <summary>A running pod's saved drop-in, and its socket unit when it listens.</summary>
public sealed record SavedUnitFiles(string DropIn, string? Socket);

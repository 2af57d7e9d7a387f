using System.Globalization;
using System.Text;
using PodUnits.Core.Files;
using PodUnits.Core.Linux;
using PodUnits.Core.Naming;
using PodUnits.Images.Store;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.Plan;

/// <summary>
/// The images `podunits auto-update` restarts a pod on before any tag moves:
/// /run/podunits/auto-update/NAME, one "REFERENCE DIGEST" line per image, after a line naming
/// the auto-update process that wrote it. Stage 0 of an auto-updated pod takes it (reads and
/// removes it) and runs those digests instead of what the tags name; auto-update moves the
/// tags only once the pod was ready on them. A tag moved first (as it was) stayed on an
/// unproven image when auto-update was killed or the host lost power during the restart, and
/// the pod's next start ran that image, with no rollback to follow (trust review of
/// 2026-12-07, finding 2). A trial whose writer is gone is stale and ignored: only the start
/// auto-update itself asked for runs it, and /run is empty after a reboot.
/// </summary>
public static class AutoUpdateTrial
{
    public const string Root = PodPaths.InsidePodRun + "/auto-update";

    private static string PathOf(string pod) => $"{Root}/{pod}";

    /// <summary>Auto-update, before it restarts <paramref name="pod"/>: the digests to run
    /// for the references.</summary>
    public static void Write(string pod, IEnumerable<(string Reference, string ManifestDigest)> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        PodPaths.CreatePrivateDirectory(Root);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"writer {Environment.ProcessId} {ProcessStat.StartTime(Environment.ProcessId)}\n");
        foreach ((string reference, string digest) in images)
        {
            text.Append(CultureInfo.InvariantCulture, $"{reference} {digest}\n");
        }
        AtomicFile.Write(PathOf(pod), Encoding.UTF8.GetBytes(text.ToString()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Auto-update, once the restart is over (or did not happen): a trial the start
    /// did not take must not be run by a later one.</summary>
    public static void Discard(string pod)
    {
        try
        {
            File.Delete(PathOf(pod));
        }
        catch (DirectoryNotFoundException)
        {
            // none was ever written since boot
        }
    }

    /// <summary>Stage 0 of an auto-updated pod: the trial's digests by reference (empty when
    /// there is none, or when the auto-update that wrote it is gone), and the file removed,
    /// so that only this start runs them.</summary>
    public static IReadOnlyDictionary<string, string> Take(string pod)
    {
        var images = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(PathOf(pod));
            File.Delete(PathOf(pod));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return images;
        }
        if (lines is not [string writer, ..] || !WriterRuns(writer))
        {
            return images;
        }
        foreach (string line in lines.Skip(1))
        {
            if (line.Split(' ') is [string reference, string digest]
                && ImageReference.TryParse(reference, out _, out _) && Digests.IsValid(digest))
            {
                images[reference] = digest;
            }
        }
        return images;
    }

    /// <summary>Whether the "writer PID STARTTIME" line names a process that still runs.</summary>
    internal static bool WriterRuns(string line) =>
        line.Split(' ') is ["writer", string pid, string start]
        && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p)
        && long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out long s)
        && ProcessStat.StartTime(p) == s;
}

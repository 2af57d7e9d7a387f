using PodUnits.Core.Errors;
using PodUnits.Core.Files;

namespace PodUnits.Images.Store;

/// <summary>One image a pod holds: the reference as the pod definition wrote it and, once
/// resolved, the digest of the manifest it resolved to and the unpacker version whose layer
/// directories the pod mounts (<see cref="LayerStore.UnpackerVersion"/>; 1 for a line that
/// names none, written before there were versions).</summary>
public readonly record struct PodImagePin(string Pod, string Reference, string? ManifestDigest, int LayerVersion = 1);

/// <summary>
/// The contract between the executor and image rm/gc: while a pod may use images, the file
/// <c>ROOT/pods/NAME/images</c> lists them, one per line: <c>REFERENCE</c> before the image
/// is resolved, <c>REFERENCE SHA256-DIGEST uN</c> after (the manifest it resolved to, and the
/// unpacker version N whose layer directories the pod mounts: gc keeps those, not only the
/// current version's, for a pod started before an upgrade re-unpacked its layers (upgrade
/// review of 2026-12-07, finding 2). A line without uN is version 1's; a line holding only
/// a digest means that digest). The executor writes the references
/// (<see cref="Write"/>) BEFORE resolving, so gc cannot remove a layer between resolving
/// and mounting; resolving for the pod (<see cref="ImageStore.ResolveForPodAsync"/>) adds
/// each digest (<see cref="Record"/>) while it still holds the store lock, so from then on
/// gc keeps exactly the layers the pod mounted even when the tag moves to a newer image.
/// The executor deletes the file when the pod is gone; `podunits gc` after a crash.
/// </summary>
public static class PodImages
{
    public static string PathFor(string storeRoot, string podName) => $"{storeRoot.TrimEnd('/')}/pods/{podName}/images";

    /// <summary>Pins <paramref name="references"/> for <paramref name="podName"/>, replacing
    /// what it pinned before.</summary>
    public static void Write(string storeRoot, string podName, IEnumerable<string> references) =>
        WriteLines(storeRoot, podName, references);

    /// <summary>Adds the digest <paramref name="reference"/> resolved to: the reference's
    /// unresolved line gets it, or a new line is added (a reference resolved twice, under
    /// two pull policies, may pin two manifests).</summary>
    public static void Record(string storeRoot, string podName, string reference, string manifestDigest)
    {
        if (reference.Contains(' ', StringComparison.Ordinal) || !Digests.IsValid(manifestDigest))
            throw new PodUnitsException($"pin of {reference} for pod {podName}", $"'{reference} {manifestDigest}' is not a reference and a sha256 digest");
        string path = PathFor(storeRoot, podName);
        List<string> lines = File.Exists(path) ? [.. File.ReadAllLines(path).Where(l => l.Trim().Length > 0)] : [];
        // Resolving materializes every layer at the current version (ImageStore.Materialize).
        string resolved = $"{reference} {manifestDigest} u{LayerStore.UnpackerVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (lines.Contains(resolved, StringComparer.Ordinal)) return;
        int bare = lines.FindIndex(l => l.Trim() == reference);
        if (bare >= 0) lines[bare] = resolved;
        else lines.Add(resolved);
        WriteLines(storeRoot, podName, lines);
    }

    public static void Delete(string storeRoot, string podName) => File.Delete(PathFor(storeRoot, podName));

    /// <summary>Every pin of every pods/*/images file.</summary>
    public static IEnumerable<PodImagePin> ReadAll(string storeRoot)
    {
        string pods = storeRoot.TrimEnd('/') + "/pods";
        if (!Directory.Exists(pods)) yield break;
        foreach (string dir in Directory.EnumerateDirectories(pods))
        {
            string file = dir + "/images";
            if (!File.Exists(file)) continue;
            foreach (string line in File.ReadLines(file))
            {
                if (Parse(Path.GetFileName(dir), line) is { } pin) yield return pin;
            }
        }
    }

    internal static PodImagePin? Parse(string pod, string line)
    {
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length switch
        {
            0 => null,
            1 => new PodImagePin(pod, parts[0], Digests.IsValid(parts[0]) ? parts[0] : null),
            2 => new PodImagePin(pod, parts[0], Digests.IsValid(parts[1]) ? parts[1] : null),
            _ => new PodImagePin(pod, parts[0], Digests.IsValid(parts[1]) ? parts[1] : null, LayerVersionOf(parts[2])),
        };
    }

    /// <summary>"u2" is 2; anything else is taken for version 1's (the old layer directory).</summary>
    private static int LayerVersionOf(string word) =>
        word.StartsWith('u') && int.TryParse(word.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1 ? n : 1;

    private static void WriteLines(string storeRoot, string podName, IEnumerable<string> lines)
    {
        if (!Core.Naming.ResourceNames.IsValid(podName)) throw new BadInputException($"pod name '{podName}'", "is not a valid pod name");
        string path = PathFor(storeRoot, podName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
    }
}

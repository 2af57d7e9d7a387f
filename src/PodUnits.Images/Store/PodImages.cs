namespace PodUnits.Images.Store;

/// <summary>
/// The contract between the executor and image rm/gc: while a pod may use images, the file
/// <c>ROOT/pods/NAME/images</c> lists them, one per line, each either a reference as the
/// pod definition wrote it or a manifest digest ("sha256:..."). The executor writes it
/// (<see cref="Write"/>) BEFORE calling ResolveAsync, so gc cannot remove a layer between
/// resolving and mounting, and deletes it (or the pod directory) when the pod is gone.
/// image rm refuses such images; gc keeps their blobs and layers.
/// </summary>
public static class PodImages
{
    public static string PathFor(string storeRoot, string podName) => $"{storeRoot.TrimEnd('/')}/pods/{podName}/images";

    public static void Write(string storeRoot, string podName, IEnumerable<string> images)
    {
        if (!Core.Naming.ResourceNames.IsValid(podName)) throw new Core.Errors.BadInputException($"pod name '{podName}'", "is not a valid pod name");
        string path = PathFor(storeRoot, podName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', images) + "\n"));
    }

    public static void Delete(string storeRoot, string podName) => File.Delete(PathFor(storeRoot, podName));

    /// <summary>(pod, image) pairs from every pods/*/images file.</summary>
    public static IEnumerable<(string Pod, string Image)> ReadAll(string storeRoot)
    {
        string pods = storeRoot.TrimEnd('/') + "/pods";
        if (!Directory.Exists(pods)) yield break;
        foreach (string dir in Directory.EnumerateDirectories(pods))
        {
            string file = dir + "/images";
            if (!File.Exists(file)) continue;
            foreach (string line in File.ReadLines(file))
            {
                string image = line.Trim();
                if (image.Length > 0) yield return (Path.GetFileName(dir), image);
            }
        }
    }
}

using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Images.References;

namespace PodUnits.Images.Store;

public sealed partial class ImageStore
{
    /// <summary>Every stored reference with its size and creation time.</summary>
    public IReadOnlyList<ImageSummary> List()
    {
        using StoreLock _ = StoreLock.Shared(LockPath);
        var rows = new List<ImageSummary>();
        foreach ((string reference, string digest) in _refs.ReadAll())
        {
            try
            {
                (ImageManifest manifest, ImageConfigFile config) = LoadManifest(digest);
                long size = manifest.Config.Size + manifest.Layers.Sum(l => l.Size);
                rows.Add(new ImageSummary(reference, Digests.Abbreviate(manifest.Config.Digest), digest, size, config.Created));
            }
            catch (PodUnitsException)
            {
                rows.Add(new ImageSummary(reference, "<broken>", digest, 0, null)); // gc or a new fetch repairs it
            }
        }
        return rows;
    }

    /// <summary><c>podunits image rm</c>: forgets a reference (refused while a pod uses
    /// it), then collects what no reference or pod needs any more.</summary>
    public GcResult Remove(string reference)
    {
        ImageReference parsed = ImageReference.Parse(reference);
        string key = parsed.ToString();
        using StoreLock _ = StoreLock.Exclusive(LockPath);
        string digest = _refs.Get(key) ?? throw new BadInputException($"image {parsed.ToFamiliarString()}", "is not in the image store");
        foreach ((string pod, string used) in PodImages.ReadAll(Root))
        {
            if (used == key || used == digest || (!Digests.IsValid(used) && Normalize(used) == key))
                throw new PodUnitsException($"image {parsed.ToFamiliarString()}", $"is in use by pod {pod} ({PodImages.PathFor(Root, pod)}); stop the pod first");
        }
        _refs.Remove(key);
        return CollectLocked();
    }

    /// <summary><c>podunits gc</c>: removes blobs and layer directories that no reference
    /// and no pod (pods/*/images) needs, and temp files left by interrupted work. Takes the
    /// store lock exclusively, so it waits for pulls in progress and they wait for it.</summary>
    public GcResult CollectGarbage()
    {
        using StoreLock _ = StoreLock.Exclusive(LockPath);
        return CollectLocked();
    }

    private GcResult CollectLocked()
    {
        var liveManifests = new HashSet<string>(_refs.ReadAll().Values, StringComparer.Ordinal);
        foreach ((_, string used) in PodImages.ReadAll(Root))
        {
            string? digest = Digests.IsValid(used) ? used : _refs.Get(Normalize(used) ?? "");
            if (digest is not null) liveManifests.Add(digest);
        }
        var liveBlobs = new HashSet<string>(StringComparer.Ordinal);
        var liveLayers = new HashSet<string>(StringComparer.Ordinal);
        foreach (string manifestDigest in liveManifests)
        {
            liveBlobs.Add(Digests.Hex(manifestDigest));
            try
            {
                (ImageManifest manifest, ImageConfigFile config) = LoadManifest(manifestDigest);
                liveBlobs.Add(Digests.Hex(manifest.Config.Digest));
                foreach (Descriptor layer in manifest.Layers) liveBlobs.Add(Digests.Hex(layer.Digest));
                foreach (string diffId in config.RootFs?.DiffIds ?? []) if (Digests.IsValid(diffId)) liveLayers.Add(Digests.Hex(diffId));
            }
            catch (PodUnitsException)
            {
                // A broken image keeps what it still has; a new fetch completes it.
            }
        }
        int blobs = 0, layers = 0, temps = 0;
        long bytes = 0;
        foreach (string path in Directory.EnumerateFiles(_blobs.Directory))
        {
            string name = Path.GetFileName(path);
            if (liveBlobs.Contains(name)) continue;
            bytes += new FileInfo(path).Length;
            File.Delete(path);
            if (name.StartsWith(".tmp-", StringComparison.Ordinal)) temps++; else blobs++;
        }
        foreach (string path in Directory.EnumerateDirectories(_layers.Directory))
        {
            string name = Path.GetFileName(path);
            if (liveLayers.Contains(name)) continue;
            bytes += SizeOf(path);
            Directory.Delete(path, recursive: true);
            if (name.StartsWith(".tmp-", StringComparison.Ordinal)) temps++; else layers++;
        }
        return new GcResult(blobs, layers, temps, bytes);
    }

    private static string? Normalize(string reference) =>
        ImageReference.TryParse(reference, out ImageReference? parsed, out _) ? parsed.ToString() : null;

    private static long SizeOf(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new DirectoryInfo(directory).EnumerateFiles("*", options).Sum(f => f.Length);
    }
}

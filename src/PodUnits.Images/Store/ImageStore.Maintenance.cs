using PodUnits.Core.Native;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Core.Naming;

namespace PodUnits.Images.Store;

public sealed partial class ImageStore
{
    /// <summary>Every stored reference with its size and creation time.</summary>
    public IReadOnlyList<ImageSummary> List()
    {
        using FileLock _ = FileLock.Shared(LockPath);
        var rows = new List<ImageSummary>();
        foreach ((string reference, string digest) in _refs.ReadAll())
        {
            try
            {
                (ImageManifest manifest, ImageConfigFile config) = LoadManifest(digest, reference);
                long size = manifest.TotalSize();
                rows.Add(new ImageSummary(reference, Digests.Abbreviate(manifest.Config.Digest), digest, size, config.Created));
            }
            catch (PodUnitsException)
            {
                rows.Add(new ImageSummary(reference, "<broken>", digest, 0, null)); // gc or a new fetch repairs it
            }
        }
        return rows;
    }

    /// <summary><c>podunits image rm</c>: forgets a reference, then collects what no reference
    /// or pod needs any more. Refused while a pod uses the image it names: a pod that runs
    /// that manifest under this name, or under a name that no longer finds it (the last name
    /// of an image a pod runs, as podman refuses), or a pod not yet resolved that names it.
    /// Another name of an image a pod runs only goes, as `podman rmi` untags: the pod's own
    /// reference still finds the image. A pod that runs an older image the reference named
    /// before it moved does not hold the reference either: its pin holds that older
    /// manifest, which gc keeps.</summary>
    public GcResult Remove(string reference)
    {
        ImageReference parsed = ImageReference.Parse(reference);
        string key = parsed.ToString();
        using FileLock _ = FileLock.Exclusive(LockPath);
        string digest = _refs.Get(key) ?? throw new BadInputException($"image {parsed.ToFamiliarString()}", "is not in the image store");
        foreach (PodImagePin pin in PodImages.ReadAll(Root))
        {
            string? own = Normalize(pin.Reference);
            bool uses = pin.ManifestDigest is { } pinned
                ? pinned == digest && (own == key || own is null || _refs.Get(own) != digest)
                : own == key;
            if (uses)
                throw new PodUnitsException($"image {parsed.ToFamiliarString()}", $"is in use by pod {pin.Pod} ({PodImages.PathFor(Root, pin.Pod)}); stop the pod first");
        }
        _refs.Remove(key);
        return CollectLocked();
    }

    /// <summary><c>podunits gc</c>: removes blobs and layer directories that no reference
    /// and no pod (pods/*/images) needs, and temp files left by interrupted work. Takes the
    /// store lock exclusively, so it waits for pulls in progress and they wait for it.</summary>
    public GcResult CollectGarbage()
    {
        using FileLock _ = FileLock.Exclusive(LockPath);
        return CollectLocked();
    }

    private GcResult CollectLocked()
    {
        Live live = LiveContent();
        var sweep = new Sweep();
        foreach (string path in Directory.EnumerateFiles(_blobs.Directory))
        {
            string name = Path.GetFileName(path);
            if (!live.Blobs.Contains(name)) sweep.Remove(path, IsTemp(name) ? Kind.Temp : Kind.Blob);
        }
        // Every unpacker version's directory: an older version's layers go once no pin names
        // that version (upgrade review of 2026-12-07, finding 2).
        foreach (string layers in _layers.AllDirectories().ToList())
        {
            // A snapshot: a dead layer is renamed to .tmp-rm-* in this directory as it goes, and a
            // listing still in progress could meet it again and count it as a temporary twice.
            foreach (string path in Directory.GetDirectories(layers))
            {
                if (IsTemp(Path.GetFileName(path))) sweep.Remove(path, Kind.Temp);
                else if (live.Unreadable is null && !live.Layers.Contains(path)) sweep.Remove(path, Kind.Layer);
            }
        }
        SweepTemps(sweep);
        return new GcResult(sweep.Blobs, sweep.Layers, sweep.Temps, sweep.Bytes, live.Unreadable);
    }

    /// <summary>
    /// Leftovers of work that died: everything in tmp/ (import-* dirs of archive imports) and
    /// ".tmp-*" files in the store root (refs.json being replaced). Everything that creates
    /// them holds the store lock shared from creating them until renaming or removing them
    /// (ResolveAsync, ImportAsync, Remove), and this runs under the store lock held
    /// exclusively: any such file found here belongs to a process that has died (flock locks
    /// end with their process), never to an import in progress, whatever its age. The pins
    /// under pods/ are written without the store lock and are not touched, nor are other
    /// files' temporaries in the root: `podunits refresh` replaces refresh.json there without
    /// the store lock, and a gc meanwhile took its file from under it (images review of
    /// 2026-12-07, finding 3).
    /// </summary>
    private void SweepTemps(Sweep sweep)
    {
        string tmp = Root + "/tmp";
        if (Directory.Exists(tmp))
        {
            foreach (string path in Directory.EnumerateFileSystemEntries(tmp)) sweep.Remove(path, Kind.Temp);
        }
        foreach (string path in Directory.EnumerateFiles(Root, $".tmp-{RefStore.FileName}-*")) sweep.Remove(path, Kind.Temp);
    }

    /// <summary>The blob names (hex) and layer directories (paths) that stored references and
    /// pods' pins need.</summary>
    /// <param name="Unreadable">Why a live image's manifest or config could not be read (the
    /// first such image), or null.</param>
    private sealed record Live(HashSet<string> Blobs, HashSet<string> Layers, string? Unreadable);

    /// <summary>What stored references and pods' pins need. A broken image keeps what it
    /// still has: once its manifest parses, its config and layer blobs are kept whether or
    /// not the config can be read. Which layer directories an image needs only its config
    /// says (by diff_id); while a live image's manifest or config cannot be read, no layer
    /// directory is removed at all, as a pod may have any of them mounted (the result says
    /// why, and the next gc after a new fetch or `image rm` collects them). A reference needs
    /// the current unpacker version's layers; a pod's pin the version it mounted (a pod
    /// started before an upgrade mounts the older version's directories).</summary>
    private Live LiveContent()
    {
        SortedDictionary<string, string> refs = _refs.ReadAll();
        var liveManifests = new HashSet<(string Digest, int LayerVersion)>(refs.Values.Select(d => (d, LayerStore.UnpackerVersion)));
        foreach (PodImagePin pin in PodImages.ReadAll(Root))
        {
            // A pin not resolved yet: its resolution has not begun (it would hold the store
            // lock), so it will find what the reference names now, at this version.
            if (pin.ManifestDigest is { } pinned) liveManifests.Add((pinned, pin.LayerVersion));
            else if (_refs.Get(Normalize(pin.Reference) ?? "") is { } named) liveManifests.Add((named, LayerStore.UnpackerVersion));
        }
        var liveBlobs = new HashSet<string>(PinnedIndexes(refs), StringComparer.Ordinal);
        var liveLayers = new HashSet<string>(StringComparer.Ordinal);
        string? unreadable = null;
        foreach ((string manifestDigest, int layerVersion) in liveManifests)
        {
            liveBlobs.Add(Digests.Hex(manifestDigest));
            try
            {
                ImageManifest manifest = ReadManifest(manifestDigest);
                liveBlobs.Add(Digests.Hex(manifest.Config.Digest));
                foreach (Descriptor layer in manifest.Layers) liveBlobs.Add(Digests.Hex(layer.Digest));
                ImageConfigFile config = ReadConfig(manifest, manifestDigest, null);
                foreach (string diffId in config.RootFs?.DiffIds ?? []) if (Digests.IsValid(diffId)) liveLayers.Add(_layers.PathOf(layerVersion, diffId));
            }
            catch (PodUnitsException e)
            {
                unreadable ??= e.Message;
            }
        }
        return new Live(liveBlobs, liveLayers, unreadable);
    }

    /// <summary>
    /// The stored indexes that references name by digest (REPO@sha256:INDEX, naming the
    /// platform manifest a pull chose from it): `image export` of such a name writes the
    /// index, without which `image import` cannot check the name (images review of
    /// 2026-12-07, finding 3). An index no reference pins by digest (a tag's) goes.
    /// </summary>
    private IEnumerable<string> PinnedIndexes(SortedDictionary<string, string> refs)
    {
        foreach ((string key, string manifestDigest) in refs)
        {
            if (ImageReference.TryParse(key, out ImageReference? named, out _) && named.Digest is { } pinned
                && pinned != manifestDigest && Digests.IsValid(pinned) && _blobs.Has(pinned))
            {
                yield return Digests.Hex(pinned);
            }
        }
    }

    private static bool IsTemp(string name) => name.StartsWith(".tmp-", StringComparison.Ordinal);

    private enum Kind { Blob, Layer, Temp }

    /// <summary>Removes files and directory trees and counts what went.</summary>
    private sealed class Sweep
    {
        public int Blobs { get; private set; }
        public int Layers { get; private set; }
        public int Temps { get; private set; }
        public long Bytes { get; private set; }

        public void Remove(string path, Kind kind)
        {
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            {
                Bytes += SizeOf(path);
                if (kind == Kind.Layer)
                {
                    // Out of its name first, in one rename: the name says the layer is whole
                    // (LayerStore.Has), and a removal that dies midway (Ctrl-C, a kill, power)
                    // must not leave part of it there for the next pull to take as unpacked.
                    // What is left under the temporary name, the next gc removes.
                    string parent = Path.GetDirectoryName(path)!;
                    string doomed = $"{parent}/.tmp-rm-{Path.GetFileName(path)}-{Environment.ProcessId}-{Guid.NewGuid():N}";
                    Directory.Move(path, doomed);
                    Core.Files.AtomicFile.SyncDirectory(parent);
                    path = doomed;
                }
                Directory.Delete(path, recursive: true);
            }
            else
            {
                var file = new FileInfo(path);
                if (file.LinkTarget is null && file.Exists) Bytes += file.Length;
                File.Delete(path); // unlink: a symlink goes, never what it points at
            }
            if (kind == Kind.Blob) Blobs++;
            else if (kind == Kind.Layer) Layers++;
            else Temps++;
        }
    }

    private static string? Normalize(string reference) =>
        ImageReference.TryParse(reference, out ImageReference? parsed, out _) ? parsed.ToString() : null;

    /// <summary>
    /// What a directory's files take, for gc's "bytes freed": links not followed. A layer
    /// holds the image's symlinks as they are (var/run -> /run, or a hostile x -> /), and
    /// .NET's recursive enumeration descends into a symlink to a directory unless it is
    /// skipped as a reparse point: gc counted the host's /run, and an image's link to / made
    /// it walk the host's tree, /proc's loops included, holding the store lock (images review
    /// of 2026-12-06, finding 1). A count that fails anyway is no reason to keep the directory.
    /// </summary>
    private static long SizeOf(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        try
        {
            return new DirectoryInfo(directory).EnumerateFiles("*", options).Sum(f => f.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}

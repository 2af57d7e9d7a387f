using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Images.Oci;
using PodUnits.Core.Files;
using PodUnits.Core.Naming;
using PodUnits.Images.Store;
using PodUnits.Images.Unpack;
using Tmds.Linux;

namespace PodUnits.Images.Import;

/// <summary>
/// <c>podunits image import</c>: an OCI image layout directory, an OCI archive (a tar of
/// such a layout) or a <c>docker save</c> archive (manifest.json + config + layer tars).
/// Archives are first unpacked with the safe unpacker in its strict archive mode
/// (<see cref="LayerUnpacker.ForArchive"/>: regular files, directories and links that stay
/// inside; anything else refuses the archive, naming the member) into a private temp
/// directory inside the store (same filesystem: blobs are then renamed, not copied), and
/// every file read from them must be a regular file resolving inside that directory.
/// The temp directory (tmp/import-*) exists only while the caller holds the store lock
/// shared, which is what lets gc remove any it finds under the exclusive lock.
/// </summary>
internal sealed class ImageImporter(ImageStore store, IProgress<PullProgress>? progress)
{
    /// <summary>The path the user gave, which messages name (archives are read from a temp directory).</summary>
    private string _shown = "";

    public async Task<IReadOnlyList<(string Reference, string ManifestDigest)>> ImportAsync(string path, string? name, CancellationToken cancellationToken)
    {
        _shown = path;
        ImageReference? forced = name is null ? null : ImageReference.Parse(name);
        if (Directory.Exists(path))
        {
            // Judged and read at the same resolved path: a symlink is judged where it leads.
            string realDir = LibcExtra.realpath(path) ?? throw new BadInputException($"import {path}", "no such file or directory");
            store.Trust.CheckImport("oci", realDir, path);
            return await ImportLayoutAsync(realDir, path, forced, fromTemp: false, cancellationToken);
        }
        if (!File.Exists(path)) throw new BadInputException($"import {path}", "no such file or directory");
        // A device or a FIFO would be read for ever (/dev/zero) or until a writer comes.
        if (FileTypes.Of(path) is uint type && type != FileTypes.Regular)
            throw new BadInputException($"import {path}", $"is not a regular file or a directory ({FileTypes.Describe(type)})");

        string temp = $"{store.Root}/tmp/import-{Environment.ProcessId}-{Guid.NewGuid():N}";
        PrivateDirectory.Create(store.Root + "/tmp");
        Directory.CreateDirectory(temp);
        try
        {
            string realPath;
            await using (var archive = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                realPath = OpenedPath(archive, path);
                try
                {
                    LayerUnpacker.ForArchive().Unpack(archive, temp, cancellationToken);
                    ArchiveMembers.CheckLinks(temp);
                }
                catch (TarHeaderTooLargeException e)
                {
                    // A decompression bomb's header (images review of 2026-12-07, finding 1).
                    throw new BadInputException($"import {path}", $"has {e.Message}; refused");
                }
                catch (Exception e) when (e is InvalidDataException or FormatException
                    || (e is InvalidOperationException && e is not ObjectDisposedException)) // a tar header too large to read
                {
                    throw new BadInputException($"import {path}", "is not a tar archive or OCI layout directory, or is damaged");
                }
                catch (EndOfStreamException)
                {
                    throw new BadInputException($"import {path}", "ends inside a tar entry (truncated)");
                }
                catch (LayerRejectedException e)
                {
                    throw new BadInputException($"import {path}", $"archive member '{e.EntryName}' {e.Why}");
                }
            }
            // The policy's scopes name the archive, not the temp dir it was unpacked to.
            if (File.Exists(temp + "/index.json"))
            {
                store.Trust.CheckImport("oci-archive", realPath, path);
                return await ImportLayoutAsync(temp, path, forced, fromTemp: true, cancellationToken);
            }
            if (File.Exists(temp + "/manifest.json"))
            {
                store.Trust.CheckImport("docker-archive", realPath, path);
                return await ImportDockerArchiveAsync(temp, path, forced, cancellationToken);
            }
            throw new BadInputException($"import {path}", "has neither index.json (OCI) nor manifest.json (docker save)");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The path of the file <paramref name="archive"/> has open, symlinks resolved
    /// (/proc/self/fd names it): the policy's path scopes judge the file read, even if the
    /// name given is a symlink or is swapped for another file after it was opened.</summary>
    private static string OpenedPath(FileStream archive, string path) =>
        LibcExtra.realpath($"/proc/self/fd/{archive.SafeFileHandle.DangerousGetHandle()}")
            ?? LibcExtra.realpath(path) ?? Path.GetFullPath(path);

    /// <summary>Every name an import would set must be one the docker transport's policy
    /// lets in unsigned (<see cref="Trust.ImageTrust.CheckImportName"/>), checked before
    /// anything is stored or tagged.</summary>
    private void CheckNames(IEnumerable<ImageReference> names, string shown)
    {
        foreach (ImageReference name in names) store.Trust.CheckImportName(name, shown);
    }

    /// <param name="shown">The path the user gave, for messages (<paramref name="dir"/> may be a temp directory).</param>
    private async Task<IReadOnlyList<(string, string)>> ImportLayoutAsync(string dir, string shown, ImageReference? forced, bool fromTemp, CancellationToken cancellationToken)
    {
        ImageIndex index = ReadIndex(dir, "index.json").Index;
        var manifests = new List<(Descriptor Descriptor, string? Name, string NamedIn, string? IndexDigest)>();
        // Nested indexes that are what their descriptors say, by digest: stored with the
        // image, so that this store can export it by the index's digest in turn.
        var indexes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (Descriptor d in index.Manifests)
        {
            string? refName = d.Annotations?.GetValueOrDefault("io.containerd.image.name") ?? d.Annotations?.GetValueOrDefault("org.opencontainers.image.ref.name");
            if (MediaTypes.IsIndex(d.MediaType))
            {
                string nestedPath = BlobPath(d.Digest, "index.json");
                (ImageIndex nested, string nestedDigest, byte[] nestedData) = ReadIndex(dir, nestedPath);
                Descriptor? chosen = ChoosePresent(dir, nested, nestedPath);
                // The index's digest may pin a name only if the file is that index: it is not
                // stored or checked otherwise, and a forged one could point D at any image
                // (review of this session's own changes).
                string? ownDigest = nestedDigest == d.Digest ? d.Digest : null;
                if (chosen is null) continue;
                manifests.Add((chosen, refName, nestedPath, ownDigest));
                if (ownDigest is not null) indexes[ownDigest] = nestedData;
                continue;
            }
            // An index.json may list each platform's manifest itself: only the one that runs here.
            if (ManifestKind.Suits(d.Platform, ManifestKind.HostArchitecture())) manifests.Add((d, refName, "index.json", null));
        }
        if (manifests.Count == 0) throw new BadInputException($"import {shown}", $"holds no image for linux/{ManifestKind.HostArchitecture()}");
        int images = manifests.DistinctBy(m => m.Descriptor.Digest, StringComparer.Ordinal).Count(); // one image may have several names
        if (forced is not null && images > 1) throw new BadInputException($"import {shown}", $"holds {images} images; --name can only name one");
        List<ImageReference> names = [.. manifests.Select(m => forced ?? NameFrom(m.Name, shown))];
        CheckNames(names, shown);
        foreach (((Descriptor descriptor, _, _, string? indexDigest), ImageReference reference) in manifests.Zip(names))
        {
            CheckOwnDigest(reference, descriptor.Digest, indexDigest);
        }
        // Every entry's size is checked while its file is still here: storing a manifest
        // moves it out of an archive's temp dir.
        foreach ((Descriptor descriptor, _, string namedIn, _) in manifests)
        {
            CheckSize(dir, descriptor, namedIn, Registry.LimitedBody.MaxManifestBytes); // before it is read whole
        }
        // One manifest may be listed under several names (two tags of one image, or a nested
        // index and a top-level entry naming it): it is stored and unpacked once, then each
        // name set. Taken one entry at a time, the second found the manifest moved out and
        // failed with the first name already set (second images review of 2026-12-06, finding 1).
        var stored = new List<(ImageReference, string)>();
        foreach (var image in manifests.Zip(names).GroupBy(m => m.First.Descriptor.Digest, StringComparer.Ordinal))
        {
            ((Descriptor descriptor, _, string namedIn, _), ImageReference first) = image.First();
            string manifestPath = BlobPath(descriptor.Digest, namedIn);
            ImageManifest manifest = ReadManifest(dir, manifestPath);
            await AddAsync(dir, manifest.Config, manifestPath, fromTemp, Registry.LimitedBody.MaxConfigBytes, cancellationToken);
            foreach (Descriptor layer in manifest.Layers) await AddAsync(dir, layer, manifestPath, fromTemp, null, cancellationToken);
            await AddAsync(dir, descriptor, namedIn, fromTemp, Registry.LimitedBody.MaxManifestBytes, cancellationToken);
            Unpack(first, descriptor.Digest, cancellationToken);
            stored.AddRange(image.Select(m => (m.Second, descriptor.Digest)));
        }
        // Before any name: a name pinning the index is kept by gc with its index blob.
        foreach ((string digest, byte[] data) in indexes) store.Blobs.Add(data, digest);
        return TagAll(stored);
    }

    /// <summary>
    /// The manifest for this host from a nested index, among those the layout holds. An
    /// index lists every platform, but an archive of one image (`image export` of a name
    /// pinning the index, `skopeo copy` without --all) holds only one platform's manifest:
    /// the OCI image layout lets referenced blobs be missing ("SHOULD be fulfilled by an
    /// external blob store"), so the other platforms' absent ones are passed over, not
    /// failed on (images review of 2026-12-07, finding 3). An index for this host's platform
    /// is not followed (a pull refuses it too), and this host's manifest listed but absent is
    /// said as such, even where a worse match is present.
    /// </summary>
    private Descriptor? ChoosePresent(string dir, ImageIndex nested, string nestedPath)
    {
        string arch = ManifestKind.HostArchitecture();
        var valid = new ImageIndex { Manifests = [.. nested.Manifests.Where(m => Digests.IsValid(m.Digest))] };
        // The best match among all the index lists, as a pull of the index chooses, and only
        // then whether the archive holds it: choosing among the present ones would set a name
        // pinning the index to a worse match (arm v6 for v7, an entry without a platform)
        // than the one the pin means on this host (review of the merged changes of
        // 2026-12-07, finding 4).
        Descriptor? chosen = ManifestKind.SelectPlatform(valid, arch);
        if (chosen is not null && !File.Exists($"{dir}/blobs/sha256/{Digests.Hex(chosen.Digest)}"))
            throw new BadInputException($"import {_shown}", $"{nestedPath} names manifest {chosen.Digest} for linux/{arch}, which the image does not hold");
        if (chosen is not null && MediaTypes.IsIndex(chosen.MediaType))
            throw new BadInputException($"import {_shown}", $"{nestedPath} names an index for linux/{arch}, not a manifest: an index nested in a nested index is not followed");
        return chosen;
    }

    private async Task<IReadOnlyList<(string, string)>> ImportDockerArchiveAsync(string dir, string shown, ImageReference? forced, CancellationToken cancellationToken)
    {
        List<DockerArchiveEntry> entries = ReadDockerManifest(dir);
        if (forced is not null && entries.Count > 1) throw new BadInputException($"import {shown}", $"holds {entries.Count} images; --name can only name one");
        List<List<ImageReference>> namesOf = [.. entries.Select(entry => forced is not null ? [forced]
            : entry.RepoTags?.Select(ImageReference.Parse).ToList() is { Count: > 0 } tags ? tags
            : throw new BadInputException($"import {shown}", "an image in manifest.json has no RepoTags; pass --name REF"))];
        CheckNames(namesOf.SelectMany(n => n), shown);
        var stored = new List<(ImageReference, string)>();
        foreach ((DockerArchiveEntry entry, List<ImageReference> names) in entries.Zip(namesOf))
        {
            var manifest = new ImageManifest { SchemaVersion = 2, MediaType = MediaTypes.OciManifest };
            string configPath = Inside(dir, entry.Config);
            if (new FileInfo(configPath).Length > Registry.LimitedBody.MaxConfigBytes)
                throw new BadInputException($"import {shown}", $"{entry.Config} has {new FileInfo(configPath).Length} bytes, more than the {Registry.LimitedBody.MaxConfigBytes} an image config may have");
            manifest.Config = new Descriptor
            {
                MediaType = MediaTypes.OciConfig,
                Size = new FileInfo(configPath).Length,
                Digest = await store.Blobs.AddFileAsync(configPath, null, move: false, cancellationToken),
            };
            foreach (string layerName in entry.Layers)
            {
                string layerPath = Inside(dir, layerName);
                long size = new FileInfo(layerPath).Length;
                string mediaType = Compression(layerPath);
                // Legacy archives repeat a layer as a symlink; copy so each name stays readable.
                string digest = await store.Blobs.AddFileAsync(layerPath, null, move: false, cancellationToken);
                manifest.Layers.Add(new Descriptor { MediaType = mediaType, Size = size, Digest = digest });
            }
            string manifestDigest = store.Blobs.Add(JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Default.ImageManifest));
            foreach (ImageReference reference in names) CheckOwnDigest(reference, manifestDigest, null);
            Unpack(names[0], manifestDigest, cancellationToken);
            stored.AddRange(names.Select(reference => (reference, manifestDigest)));
        }
        return TagAll(stored);
    }

    /// <summary>
    /// A name with a digest (REPO@sha256:D, from the archive or --name) is stored only for the
    /// manifest D itself, or a platform's manifest of the index D, as a pull stores it: a pod
    /// pinned to D runs exactly that image (docs/trust.md), and an archive naming D while
    /// holding another image would have become what every pod pinned to D runs (trust review
    /// of 2026-12-06, finding 3). Unreferenced blobs of a refused import go at the next gc.
    /// </summary>
    private void CheckOwnDigest(ImageReference reference, string manifestDigest, string? indexDigest)
    {
        if (reference.Digest is { } digest && digest != manifestDigest && digest != indexDigest)
        {
            throw new BadInputException($"import {_shown}", $"the name {reference.ToFamiliarString()} pins digest {digest}, but the image is manifest {manifestDigest}{(indexDigest is null ? "" : $" of index {indexDigest}")}; name it by a tag or by its own digest");
        }
    }

    /// <summary>Unpacks and checks every layer of the image <paramref name="reference"/> names
    /// (one of its names, for messages), before any name is set.</summary>
    private void Unpack(ImageReference reference, string manifestDigest, CancellationToken cancellationToken)
    {
        try
        {
            store.Materialize(reference.ToString(), manifestDigest, progress, cancellationToken);
        }
        catch (LayerRejectedException e)
        {
            // A file given to import is the user's input (exit 2, as a refused archive member
            // is), named with the image the layer belongs to (tour F: exit 1, no image named).
            throw new BadInputException($"import {_shown}", $"image {reference.ToFamiliarString()}: {e.Message}");
        }
    }

    /// <summary>Sets the names only once every image of the input is stored and unpacked: an
    /// input refused at its second image sets no name at all, rather than leave the import half
    /// done (what it stored is unreferenced, and goes at the next gc). Each name once: --name
    /// gives every entry of one image the same.</summary>
    private List<(string, string)> TagAll(List<(ImageReference Reference, string ManifestDigest)> images)
    {
        List<(string Reference, string ManifestDigest)> named = [.. images.Select(i => (i.Reference.ToString(), i.ManifestDigest)).Distinct()];
        foreach ((string reference, string manifestDigest) in named) store.Tag(reference, manifestDigest);
        return named;
    }

    /// <param name="namedIn">The file that names <paramref name="digest"/>, for messages.</param>
    private async Task AddAsync(string dir, Descriptor descriptor, string namedIn, bool move, long? limit, CancellationToken cancellationToken)
    {
        string blob = BlobPath(descriptor.Digest, namedIn);
        if (store.Blobs.Has(descriptor.Digest))
        {
            // Stored already: the descriptor's size is checked against it all the same, or a
            // wrong one went into the store and into exports (images review of 2026-12-07, finding 5).
            CheckLength(store.Blobs.SizeOf(descriptor.Digest), descriptor, namedIn, limit);
            return;
        }
        if (move)
        {
            string path = CheckSize(dir, descriptor, namedIn, limit);
            await store.Blobs.AddFileAsync(path, descriptor.Digest, move, cancellationToken); // our own temp directory's
            return;
        }
        // A layout directory's file: looked up once, judged and copied through that descriptor.
        await using FileStream file = OpenInside(dir, blob);
        CheckLength(file.Length, descriptor, namedIn, limit);
        await store.Blobs.AddAsync(file, descriptor.Digest, descriptor.Size, cancellationToken);
    }

    /// <summary>
    /// The blob's file, checked against its descriptor's size (and <paramref name="limit"/>),
    /// as a pull checks what it downloads: a wrong size was stored as it was, shown by
    /// `image list` and written into exports that skopeo, podman and containerd refuse, a huge
    /// one overflowed the image's total, and a config of hundreds of MB was read whole at every
    /// start (images review of 2026-12-06, finding 7).
    /// </summary>
    private string CheckSize(string dir, Descriptor descriptor, string namedIn, long? limit)
    {
        string path = Inside(dir, BlobPath(descriptor.Digest, namedIn));
        CheckLength(new FileInfo(path).Length, descriptor, namedIn, limit);
        return path;
    }

    private void CheckLength(long length, Descriptor descriptor, string namedIn, long? limit)
    {
        if (length != descriptor.Size)
            throw new BadInputException($"import {_shown}", $"{namedIn} gives blob {descriptor.Digest} a size of {descriptor.Size} bytes, but its file has {length}");
        if (limit is long max && length > max)
            throw new BadInputException($"import {_shown}", $"blob {descriptor.Digest} has {length} bytes, more than the {max} a manifest or config may have");
    }

    private static ImageReference NameFrom(string? refName, string shown)
    {
        // skopeo and buildah put only the tag in org.opencontainers.image.ref.name; a name
        // with a registry part is used as it is, a bare tag needs --name.
        if (refName is not null && refName.Contains('/', StringComparison.Ordinal) && ImageReference.TryParse(refName, out ImageReference? r, out _))
            return r;
        throw new BadInputException($"import {shown}", $"the image has no full name{(refName is null ? "" : $" (only '{refName}')")}; pass --name REF");
    }

    /// <summary>Where a layout keeps the blob; a digest that is not sha256 is the file's fault
    /// (tour F: exit 1 naming neither the file nor the import).</summary>
    private string BlobPath(string? digest, string namedIn) => Digests.IsValid(digest) ? "blobs/sha256/" + Digests.Hex(digest!)
        : throw new BadInputException($"import {_shown}", $"{namedIn} names the digest '{digest}', not sha256: followed by 64 lowercase hex digits");

    /// <summary>
    /// <paramref name="relative"/> in <paramref name="dir"/>, opened once and read through that
    /// descriptor. Checked by path and opened by it again, a file of a layout directory another
    /// user owns could be swapped between the two for a FIFO (the import, holding the store
    /// lock, then hung for ever; gc and `image rm` behind it) or for a link to a root-only file
    /// (whose digest the error then showed) (images review of 2026-12-07, finding 4).
    /// openat2 keeps every step of the lookup beneath the directory, O_NONBLOCK keeps a FIFO
    /// from blocking the open, and the descriptor's own type decides.
    /// </summary>
    private FileStream OpenInside(string dir, string relative) => OpenInside(dir, relative, _shown);

    /// <param name="shown">The import's input as the user gave it, for messages.</param>
    internal static unsafe FileStream OpenInside(string dir, string relative, string shown)
    {
        string clean = SafePaths.Clean(relative) ?? throw new BadInputException($"import {shown}", $"'{relative}' is missing or outside the image");
        int dirFd = Check.Io(LibcExtra.open(dir, LibcExtra.O_PATH | LibcExtra.O_DIRECTORY | LibcExtra.O_CLOEXEC, 0), "open", dir);
        int fd;
        try
        {
            fd = LibcExtra.openat2(dirFd, clean, new LibcExtra.OpenHow
            {
                Flags = (ulong)(LibcExtra.O_RDONLY | LibC.O_NONBLOCK | LibcExtra.O_NOCTTY | LibcExtra.O_CLOEXEC),
                Resolve = LibcExtra.RESOLVE_BENEATH | LibcExtra.RESOLVE_NO_MAGICLINKS,
            });
        }
        finally
        {
            LibcExtra.close(dirFd);
        }
        if (fd < 0) throw new BadInputException($"import {shown}", $"'{relative}' is missing or outside the image");
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        stat status;
        if (LibC.fstat(fd, &status) != 0 || (status.st_mode & LibC.S_IFMT) != LibC.S_IFREG)
        {
            handle.Dispose();
            throw new BadInputException($"import {shown}", $"'{relative}' is not a regular file");
        }
        return new FileStream(handle, FileAccess.Read, 1 << 16);
    }

    /// <summary>The path of <paramref name="relative"/> in <paramref name="dir"/>, refused if it
    /// (or a symlink on the way) leads outside, or is not a regular file (a FIFO in a layout
    /// directory would block the import forever, a device would be read as a blob).</summary>
    private string Inside(string dir, string relative)
    {
        string? clean = SafePaths.Clean(relative);
        string path = dir + "/" + clean;
        string? real = clean is null ? null : LibcExtra.realpath(path);
        string? realDir = LibcExtra.realpath(dir);
        if (real is null || realDir is null || !real.StartsWith(realDir + "/", StringComparison.Ordinal) || !File.Exists(real))
            throw new BadInputException($"import {_shown}", $"'{relative}' is missing or outside the image");
        if (SafePaths.TypeOf(real) != LibC.S_IFREG)
            throw new BadInputException($"import {_shown}", $"'{relative}' is not a regular file");
        return real;
    }

    /// <summary>
    /// A JSON file of the image (index.json, an index, a manifest, docker's manifest.json),
    /// no larger than a pulled manifest may be: read whole, a multi-GB index.json exhausted
    /// memory while the store lock was held (second images review of 2026-12-06, finding 5).
    /// The limit is the open file's length, and no more is read, so a file growing meanwhile
    /// cannot pass it.
    /// </summary>
    private byte[] ReadJson(string dir, string relative)
    {
        using FileStream file = OpenInside(dir, relative);
        long length = file.Length;
        if (length > Registry.LimitedBody.MaxManifestBytes)
            throw new BadInputException($"import {_shown}", $"{relative} has {length} bytes, more than the {Registry.LimitedBody.MaxManifestBytes} an index or manifest may have");
        byte[] data = new byte[length];
        return data[..file.ReadAtLeast(data, data.Length, throwOnEndOfStream: false)];
    }

    /// <summary>index.json or a nested index, the digest of the very bytes parsed, and those bytes.</summary>
    private (ImageIndex Index, string Digest, byte[] Data) ReadIndex(string dir, string relative)
    {
        byte[] data = ReadJson(dir, relative);
        ImageIndex index = Read(data, relative, OciJsonContext.Default.ImageIndex);
        NoNullEntries(index.Manifests, relative, "an image index", "manifests");
        return (index, Digests.Of(data), data);
    }

    private ImageManifest ReadManifest(string dir, string relative)
    {
        ImageManifest manifest = Read(ReadJson(dir, relative), relative, OciJsonContext.Default.ImageManifest);
        if (manifest.Config is null) throw NotShaped(relative, "an image manifest", "\"config\" is null");
        NoNullEntries(manifest.Layers, relative, "an image manifest", "layers");
        return manifest;
    }

    private List<DockerArchiveEntry> ReadDockerManifest(string dir)
    {
        const string Relative = "manifest.json", Kind = "a docker save manifest";
        List<DockerArchiveEntry> entries = Read(ReadJson(dir, Relative), Relative, OciJsonContext.Default.ListDockerArchiveEntry);
        NoNullEntries(entries, Relative, Kind, null);
        foreach (DockerArchiveEntry entry in entries)
        {
            if (entry.Config is null) throw NotShaped(Relative, Kind, "\"Config\" is null");
            NoNullEntries(entry.Layers, Relative, Kind, "Layers");
            if (entry.RepoTags is not null) NoNullEntries(entry.RepoTags, Relative, Kind, "RepoTags");
        }
        return entries;
    }

    /// <summary>
    /// System.Text.Json gives a list, an entry or a field written as null as null (the types
    /// default only missing ones), and the steps after take them for granted: refused here, as
    /// the puller's CheckShape refuses them, not left to a NullReferenceException reported as
    /// an internal error (second images review of 2026-12-06, finding 2).
    /// </summary>
    /// <param name="field">The list's name in its file; null for a file that is the list.</param>
    private void NoNullEntries<T>(List<T>? list, string relative, string kind, string? field) where T : class
    {
        if (list is null) throw NotShaped(relative, kind, $"\"{field}\" is null");
        if (list.Any(e => e is null)) throw NotShaped(relative, kind, field is null ? "an entry is null" : $"an entry of \"{field}\" is null");
    }

    private BadInputException NotShaped(string relative, string kind, string why) =>
        new($"import {_shown}", $"{relative} is not {kind}: {why}");

    private T Read<T>(byte[] data, string relative, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(data, type) ?? throw new BadInputException($"import {_shown}", $"{relative} is empty");
        }
        catch (JsonException e)
        {
            // Its Message is a resource key in these executables: the position says more.
            throw new BadInputException($"import {_shown}", $"{relative} is not the JSON an image holds (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    private static string Compression(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var f = File.OpenRead(path);
        int n = f.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return MediaTypes.OciLayerGzip;
        if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) return MediaTypes.OciLayerZstd;
        return MediaTypes.OciLayer;
    }
}

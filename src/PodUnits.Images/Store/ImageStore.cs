using PodUnits.Core.Native;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Core.Naming;
using PodUnits.Images.Registry;
using PodUnits.Images.Trust;

namespace PodUnits.Images.Store;

/// <summary>
/// The image store under a root (default /var/lib/podunits):
/// <code>
/// blobs/sha256/HEX        manifests, configs, layer blobs by digest
/// layers/vN/HEX           unpacked layers by unpacker version and diff_id (overlayfs lower dirs)
/// refs.json, refs.lock    reference -> manifest digest
/// store.lock              flock: shared while adding, exclusive for rm/gc
/// pods/NAME/images        written by the executor: images a pod uses (see PodImages)
/// </code>
/// </summary>
public sealed partial class ImageStore
{
    public const string DefaultRoot = "/var/lib/podunits";

    private readonly BlobStore _blobs;
    private readonly LayerStore _layers;
    private readonly RefStore _refs;

    private ImageStore(string root, RegistrySettings settings)
    {
        Root = root.TrimEnd('/');
        PrivateDirectory.Create(Root);
        _blobs = new BlobStore(Root);
        _layers = new LayerStore(Root);
        _refs = new RefStore(Root);
        Registry = settings;
    }

    public static ImageStore Open(string root = DefaultRoot, RegistrySettings? registry = null) =>
        new(root, registry ?? RegistrySettings.Load());

    /// <summary>With a trust policy of the caller's instead of the host's (tests).</summary>
    internal static ImageStore Open(string root, RegistrySettings registry, ImageTrust trust) => new(root, registry) { Trust = trust };

    public string Root { get; }

    public RegistrySettings Registry { get; }

    /// <summary>The trust policy every image entering the store passes (policy.json and
    /// registries.d), read at the first pull or import.</summary>
    public ImageTrust Trust
    {
        get => _trust ??= ImageTrust.Load();
        init => _trust = value;
    }

    private ImageTrust? _trust;

    /// <summary>Handler for registry HTTP (tests put a proxy in front); null = default.</summary>
    internal HttpMessageHandler? HttpHandler { get; set; }

    private string LockPath => Root + "/store.lock";

    /// <summary>Finds the image in the store or fetches it, as <paramref name="policy"/> says,
    /// and makes sure every layer is unpacked.</summary>
    public Task<ResolvedImage> ResolveAsync(string reference, PullPolicy policy,
        IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ResolveCoreAsync(reference, policy, null, progress, moveTag: true, cancellationToken);

    /// <summary>As <see cref="ResolveAsync"/>, for a pod that runs the image: before the store
    /// lock is released, the manifest digest is added to the pod's pin
    /// (<see cref="PodImages.Record"/>), so rm and gc keep exactly what the pod mounts even
    /// if the reference is later moved to another image. The pod must have pinned
    /// <paramref name="reference"/> with <see cref="PodImages.Write"/> first.</summary>
    public Task<ResolvedImage> ResolveForPodAsync(string podName, string reference, PullPolicy policy,
        IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ResolveCoreAsync(reference, policy, podName, progress, moveTag: true, cancellationToken);

    /// <summary>As <see cref="ResolveForPodAsync"/>, for the stored manifest
    /// <paramref name="manifestDigest"/> rather than what <paramref name="reference"/> names:
    /// an auto-update's trial of a new image, which moves the tag only once the pod was ready
    /// on it (AutoUpdateTrial).</summary>
    public async Task<ResolvedImage> ResolveTrialForPodAsync(string podName, string reference, string manifestDigest,
        IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ImageReference parsed = ImageReference.Parse(reference);
        using FileLock _ = await FileLock.SharedAsync(LockPath, cancellationToken);
        if (!Digests.IsValid(manifestDigest) || !IsWhole(manifestDigest))
            throw new PodUnitsException($"image {parsed.ToFamiliarString()}", $"manifest {manifestDigest}, which auto-update fetched for this start, is not (or no longer) whole in the image store");
        ResolvedImage image = Materialize(parsed.ToString(), manifestDigest, progress, cancellationToken);
        PodImages.Record(Root, podName, reference, manifestDigest);
        return image;
    }

    /// <summary>auto-update's fetch: pulls what <paramref name="reference"/> names in its
    /// registry now and unpacks it, leaving the tag where it is until a pod was proven ready
    /// on the image. The caller keeps the image from gc meanwhile (<see cref="KeepContentAsync"/>).</summary>
    public Task<ResolvedImage> FetchWithoutTaggingAsync(string reference, IProgress<PullProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ResolveCoreAsync(reference, PullPolicy.Always, null, progress, moveTag: false, cancellationToken);

    private async Task<ResolvedImage> ResolveCoreAsync(string reference, PullPolicy policy, string? podName,
        IProgress<PullProgress>? progress, bool moveTag, CancellationToken cancellationToken)
    {
        ImageReference parsed = ImageReference.Parse(reference);
        // Waited for as a cancellable retry: a stop of a start that waits behind gc or
        // `image rm` must end it and release what stage 0 took (images review of 2026-12-06,
        // finding 2: a blocked flock(2) heard no signal).
        using FileLock _ = await FileLock.SharedAsync(LockPath, cancellationToken);
        string? manifestDigest = policy == PullPolicy.Always ? null : FindLocal(parsed);
        bool pulled = manifestDigest is null && moveTag;
        if (manifestDigest is null)
        {
            if (policy == PullPolicy.Never)
                throw new PodUnitsException($"image {parsed.ToFamiliarString()}", "is not in the image store and imagePullPolicy is Never (import or fetch it first)");
            manifestDigest = await PullLockedAsync(parsed, progress, cancellationToken);
        }
        ResolvedImage image = Materialize(parsed.ToString(), manifestDigest, progress, cancellationToken);
        // The reference moves only now that every layer is unpacked and checked (as import
        // tags after Materialize): an image refused here never replaces the one the tag
        // named, which stays referenced, runnable and kept by gc.
        if (pulled) _refs.Set(parsed.ToString(), manifestDigest);
        if (podName is not null) PodImages.Record(Root, podName, reference, manifestDigest);
        return image;
    }

    /// <summary><c>podunits image fetch</c>: always asks the registry.</summary>
    public Task<ResolvedImage> FetchAsync(string reference, IProgress<PullProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ResolveAsync(reference, PullPolicy.Always, progress, cancellationToken);

    /// <summary>What <paramref name="reference"/>'s tag names in its registry now, as the
    /// digest of this platform's manifest (auto-update's check: no blob is fetched and the
    /// store is not changed). <paramref name="known"/>: the digest expected, which saves a
    /// request when nothing changed.</summary>
    public async Task<string> RemoteDigestAsync(string reference, string? known, CancellationToken cancellationToken = default)
    {
        using var client = new RegistryClient(Registry, HttpHandler);
        ImageReference parsed = ImageReference.Parse(reference);
        try
        {
            return await new RegistryPuller(client, _blobs, Trust).ResolveRemoteAsync(parsed, known, cancellationToken);
        }
        catch (Exception e) when (RegistryUnreachableException.Is(e, cancellationToken))
        {
            throw RegistryUnreachableException.From(parsed, e);
        }
    }

    /// <summary>Points <paramref name="reference"/> at a manifest the store holds (auto-update's
    /// rollback to the image a pod ran before).</summary>
    public void Retag(string reference, string manifestDigest)
    {
        ImageReference parsed = ImageReference.Parse(reference);
        using FileLock _ = FileLock.Shared(LockPath);
        if (!Digests.IsValid(manifestDigest) || !_blobs.Has(manifestDigest))
            throw new PodUnitsException($"image {parsed.ToFamiliarString()}", $"manifest {manifestDigest} is not in the image store any more");
        LoadManifest(manifestDigest, parsed.ToFamiliarString()); // its config must be there too
        if (!IsWhole(manifestDigest))
            throw new PodUnitsException($"image {parsed.ToFamiliarString()}", $"manifest {manifestDigest} lacks layers the image store no longer holds");
        _refs.Set(parsed.ToString(), manifestDigest);
    }

    /// <summary>Holds the store lock shared until disposed: nothing stored is removed
    /// meanwhile (gc and `image rm` wait), while pulls and pod starts go on. Auto-update
    /// holds it from its first fetch until its rollback is done, since between a failed
    /// restart (whose executor drops the pod's pin) and the tag pointed back, no pin and no
    /// tag names the image it rolls back to.</summary>
    public async Task<IDisposable> KeepContentAsync(CancellationToken cancellationToken = default) =>
        await FileLock.SharedAsync(LockPath, cancellationToken);

    /// <summary>The manifest digest the store holds for <paramref name="reference"/>, or null.</summary>
    public string? LocalDigest(string reference) => FindLocal(ImageReference.Parse(reference));

    private async Task<string> PullLockedAsync(ImageReference reference, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        using var client = new RegistryClient(Registry, HttpHandler);
        var puller = new RegistryPuller(client, _blobs, Trust);
        string manifestDigest;
        try
        {
            manifestDigest = await puller.PullAsync(reference, progress, cancellationToken);
        }
        catch (Exception e) when (RegistryUnreachableException.Is(e, cancellationToken))
        {
            throw RegistryUnreachableException.From(reference, e);
        }
        return manifestDigest;
    }

    /// <summary>The stored manifest <paramref name="reference"/> resolves to, or null. A digest
    /// reference REPO@D also finds D through another name of the same registry/repository
    /// (a tag that names D, or REPO:TAG@D), never through another repository: the trust
    /// policy judged D under the name it entered by, and a scope of REPO (reject, signedBy)
    /// must not be passed by. Otherwise it is pulled by digest under REPO's policy (the
    /// blobs already stored are not downloaded again), as podman's libimage does.</summary>
    private string? FindLocal(ImageReference reference)
    {
        string? digest = _refs.Get(reference.ToString());
        if (digest is not null && IsWhole(digest)) return digest;
        if (reference.Digest is null) return null;
        foreach ((string key, string stored) in _refs.ReadAll())
        {
            if (!ImageReference.TryParse(key, out ImageReference? named, out _)
                || named.Registry != reference.Registry || named.Repository != reference.Repository) continue;
            // REPO:TAG@D names what D resolved to (an index's platform manifest); REPO:TAG names D itself.
            if ((named.Digest == reference.Digest || stored == reference.Digest) && IsWhole(stored)) return stored;
        }
        return null;
    }

    /// <summary>Whether the store holds all an image needs to run: its manifest, its config,
    /// and for each layer its directory or its blob to unpack it from. A gc or `image rm`
    /// that died midway (power loss, an I/O error on one entry) can leave a manifest some of
    /// whose blobs and layer directories went already: such an image counts as absent, so
    /// IfNotPresent pulls it again (blobs still stored are not downloaded twice) instead of
    /// failing on every start until the next gc. A manifest or config that is there but
    /// cannot be read counts as present: Materialize says what is wrong with it.</summary>
    private bool IsWhole(string manifestDigest)
    {
        if (!_blobs.Has(manifestDigest)) return false;
        ImageManifest manifest;
        ImageConfigFile config;
        try
        {
            manifest = ReadManifest(manifestDigest);
            if (!_blobs.Has(manifest.Config.Digest)) return false;
            config = ReadConfig(manifest, manifestDigest, null);
        }
        catch (PodUnitsException)
        {
            return true;
        }
        List<string> diffIds = config.RootFs?.DiffIds ?? [];
        if (diffIds.Count != manifest.Layers.Count || diffIds.Any(d => !Digests.IsValid(d))) return true;
        for (int i = 0; i < diffIds.Count; i++)
        {
            if (!_layers.Has(diffIds[i]) && !_blobs.Has(manifest.Layers[i].Digest)) return false;
        }
        return true;
    }

    /// <summary>Loads manifest and config, unpacks missing layers, returns the runnable view.</summary>
    internal ResolvedImage Materialize(string reference, string manifestDigest, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        (ImageManifest manifest, ImageConfigFile config) = LoadManifest(manifestDigest, reference);
        List<string> diffIds = config.RootFs?.DiffIds ?? [];
        if (diffIds.Count != manifest.Layers.Count)
            throw new PodUnitsException($"image {reference}", $"its config lists {diffIds.Count} layer diff_ids but its manifest {manifest.Layers.Count} layers");
        long size = manifest.TotalSize();
        // Layers are independent directories: unpack the missing ones side by side.
        var missing = Enumerable.Range(0, diffIds.Count).Where(i => !_layers.Has(diffIds[i])).DistinctBy(i => diffIds[i]).ToList();
        try
        {
            Parallel.ForEach(missing, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4), CancellationToken = cancellationToken }, i =>
            {
                Descriptor layer = manifest.Layers[i];
                progress?.Report(new PullProgress(layer.Digest, PullPhase.Unpacking, 0, layer.Size));
                IReadOnlyList<string> notes = _layers.Ensure(diffIds[i], _blobs.PathOf(layer.Digest), layer.Digest, cancellationToken,
                    read => progress?.Report(new PullProgress(layer.Digest, PullPhase.Unpacking, read, layer.Size)));
                progress?.Report(new PullProgress(layer.Digest, PullPhase.Unpacked, layer.Size, layer.Size, notes.Count > 0 ? string.Join("; ", notes) : null));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Report the first layer's own error (one line, its own exit code), not a wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        var dirs = diffIds.Select(_layers.PathOf).ToList();
        dirs.Reverse(); // overlayfs lowerdir: the topmost layer first
        // A layer repeated (empty layers often are) may appear only once in lowerdir; keeping
        // its topmost place changes nothing, as that copy covers every path the layer has.
        dirs = dirs.Distinct(StringComparer.Ordinal).ToList();
        return new ResolvedImage(reference, manifestDigest, manifest.Config.Digest, dirs, config.Config ?? new ImageConfig(), config.Created, size)
        {
            ForeignPlatform = ForeignPlatformOf(config.Os, config.Architecture, ManifestKind.HostArchitecture()),
        };
    }

    /// <summary>"OS/ARCH" of a config that names another platform than linux/<paramref name="host"/>;
    /// null when it names this one or none (an empty field is taken as fitting).</summary>
    internal static string? ForeignPlatformOf(string? os, string? architecture, string host)
    {
        bool otherOs = !string.IsNullOrEmpty(os) && os != "linux";
        bool otherArchitecture = !string.IsNullOrEmpty(architecture) && architecture != host;
        return otherOs || otherArchitecture ? Core.Text.OneLine.Of($"{(string.IsNullOrEmpty(os) ? "?" : os)}/{(string.IsNullOrEmpty(architecture) ? "?" : architecture)}") : null;
    }

    /// <param name="reference">The image's name, for messages (null: the manifest names it).</param>
    internal (ImageManifest Manifest, ImageConfigFile Config) LoadManifest(string manifestDigest, string? reference = null)
    {
        ImageManifest manifest = ReadManifest(manifestDigest);
        return (manifest, ReadConfig(manifest, manifestDigest, reference));
    }

    /// <summary>The manifest, verified, parsed, and naming its blobs by sha256 digests.</summary>
    private ImageManifest ReadManifest(string manifestDigest)
    {
        string what = $"manifest {manifestDigest}";
        ImageManifest manifest = Parse(_blobs.ReadVerified(manifestDigest), OciJsonContext.Default.ImageManifest, what, "image manifest")
            ?? throw new PodUnitsException(what, "is empty");
        if (manifest.Config is null || manifest.Layers is null)
            throw new PodUnitsException(what, "is not a valid image manifest: it has no config or no layers");
        if (!Digests.IsValid(manifest.Config.Digest) || manifest.Layers.Any(l => l is null || !Digests.IsValid(l.Digest)))
            throw new PodUnitsException(what, "names a blob by something other than a sha256 digest");
        return manifest;
    }

    private ImageConfigFile ReadConfig(ImageManifest manifest, string manifestDigest, string? reference)
    {
        string what = $"config {manifest.Config.Digest} of {(reference is null ? "manifest " + manifestDigest : "image " + reference)}";
        return Parse(_blobs.ReadVerified(manifest.Config.Digest), OciJsonContext.Default.ImageConfigFile, what, "image config")
            ?? throw new PodUnitsException(what, "is empty");
    }

    /// <summary>A pull stores a config by its digest only, never parsing it: a field of the
    /// wrong JSON type ("Entrypoint": "/bin/sh") is first seen here, and must be one line
    /// naming the blob, not a raw JsonException that stops list, inspect or gc.</summary>
    private static T? Parse<T>(byte[] data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what, string kind)
    {
        try
        {
            return JsonSerializer.Deserialize(data, type);
        }
        catch (JsonException e)
        {
            throw new PodUnitsException(what, $"is not a valid {kind}: {e.Message.ReplaceLineEndings(" ")}", ExitCodes.RuntimeFailure, e);
        }
    }

    /// <summary><c>podunits image import</c>: an OCI layout dir, OCI archive or docker-save
    /// archive; returns the references stored. <paramref name="progress"/> hears each layer
    /// unpacked, with a note when the unpacker skipped something (device nodes).</summary>
    public async Task<IReadOnlyList<ResolvedImage>> ImportAsync(string path, string? name = null,
        IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using FileLock _ = await FileLock.SharedAsync(LockPath, cancellationToken);
        var imported = await new Import.ImageImporter(this, progress).ImportAsync(path, name, cancellationToken);
        return imported.Select(i => Materialize(i.Reference, i.ManifestDigest, null, cancellationToken)).ToList();
    }

    /// <summary>Records a reference for a manifest whose blobs are all stored (import).</summary>
    internal void Tag(string reference, string manifestDigest) => _refs.Set(reference, manifestDigest);

    internal BlobStore Blobs => _blobs;

    internal LayerStore Layers => _layers;

    internal RefStore Refs => _refs;
}

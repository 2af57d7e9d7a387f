using PodUnits.Core.Native;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Core.Naming;
using PodUnits.Images.Registry;
using PodUnits.Images.Trust;

namespace PodUnits.Images.Store;

/// <summary>One layer of an inspected image: the stored blob and the diff_id its unpacked tar has.</summary>
public sealed record LayerDetails(string Digest, string? MediaType, long Size, string DiffId);

/// <summary>What `podunits image inspect` shows: the manifest's and config's digests, the
/// platform, the layers, every reference naming the same manifest, and the image's whole
/// configuration as the config blob has it (<see cref="Config"/>, not only the fields a pod uses).</summary>
public sealed record ImageDetails(string Reference, string ManifestDigest, string? ManifestMediaType, string ConfigDigest,
    string? Created, string? Architecture, string? Os, long Size, IReadOnlyList<LayerDetails> Layers, IReadOnlyList<string> References,
    JsonObject? Config);

public sealed partial class ImageStore
{
    /// <summary>The annotation an OCI layout names an image by (image-spec, "Pre-Defined Annotation Keys").</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary><c>podunits image inspect</c>: a stored image, from its verified blobs.</summary>
    public ImageDetails Inspect(string reference)
    {
        ImageReference parsed = ImageReference.Parse(reference);
        using FileLock _ = FileLock.Shared(LockPath);
        string digest = FindStored(parsed);
        (ImageManifest manifest, ImageConfigFile config) = LoadManifest(digest, parsed.ToFamiliarString());
        List<string> diffIds = config.RootFs?.DiffIds ?? [];
        var layers = manifest.Layers.Select((l, i) => new LayerDetails(l.Digest, l.MediaType, l.Size, i < diffIds.Count ? diffIds[i] : "")).ToList();
        var names = _refs.ReadAll().Where(r => r.Value == digest).Select(r => r.Key).ToList();
        JsonObject? raw = JsonNode.Parse(_blobs.ReadVerified(manifest.Config.Digest)) is JsonObject o ? o["config"] as JsonObject : null;
        return new ImageDetails(parsed.ToString(), digest, manifest.MediaType, manifest.Config.Digest, config.Created, config.Architecture, config.Os,
            manifest.TotalSize(), layers, names, (JsonObject?)raw?.DeepClone());
    }

    /// <summary>The signatures to be found for every name of a stored image (as
    /// <see cref="Inspect"/> found it), checked
    /// against the trust policy (`image inspect`). Asks the lookaside and, where registries.d
    /// says use-sigstore-attachments, the registry; a name whose signatures cannot be read
    /// gets one entry saying why, so inspect still shows the rest.</summary>
    public async Task<List<SignatureFound>> FindSignaturesAsync(ImageDetails details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(details);
        var found = new List<SignatureFound>();
        foreach (string name in details.References.Append(details.Reference).Distinct(StringComparer.Ordinal))
        {
            ImageReference parsed = ImageReference.Parse(name);
            using var client = new RegistryClient(Registry, HttpHandler);
            var puller = new RegistryPuller(client, _blobs, Trust);
            try
            {
                ImageReference source = await puller.SourceOfAsync(parsed, details.ManifestDigest, cancellationToken);
                found.AddRange(await Trust.FindAsync(parsed, source, details.ManifestDigest,
                    ct => puller.SigstoreAttachmentsAsync(source, details.ManifestDigest, ct), cancellationToken));
            }
            catch (Exception e) when (e is PodUnitsException or HttpRequestException || RegistryUnreachableException.Is(e, cancellationToken))
            {
                // A registry that cannot be reached (its connect timeout included) is this
                // name's entry, not the end of the command (CLI review of 2026-12-06, finding 2).
                string why = e is not PodUnitsException && RegistryUnreachableException.Is(e, cancellationToken)
                    ? RegistryUnreachableException.From(parsed, e).Message : e.Message;
                found.Add(new SignatureFound(parsed.ToString(), "error", "-", null, false, why));
            }
        }
        return found;
    }

    /// <summary>
    /// <c>podunits image export</c>: a stored image as an OCI archive (a tar of an OCI image
    /// layout, what skopeo's and podman's <c>oci-archive:</c> read and <c>image import</c>
    /// takes back), named in index.json by its full reference. Every blob is checked against
    /// its digest as it is written: a damaged store fails the export, naming the blob, rather
    /// than passing the damage on. Returns the number of layers and bytes of blobs written.
    /// </summary>
    public async Task<(int Layers, long Bytes)> ExportAsync(string reference, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ImageReference parsed = ImageReference.Parse(reference);
        using FileLock _ = await FileLock.SharedAsync(LockPath, cancellationToken); // an interrupt ends a wait behind gc
        string digest = FindStored(parsed);
        (ImageManifest manifest, ImageConfigFile _) = LoadManifest(digest, parsed.ToFamiliarString());
        var named = new Dictionary<string, string>(StringComparer.Ordinal) { [RefNameAnnotation] = parsed.ToString() };
        Descriptor top = parsed.Digest is { } pinned && pinned != digest
            ? PinnedIndex(parsed, pinned, digest, named)
            : new Descriptor { MediaType = manifest.MediaType ?? MediaTypes.OciManifest, Digest = digest, Size = _blobs.SizeOf(digest), Annotations = named };
        var index = new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = [top] };
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await WriteFileAsync(tar, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"), cancellationToken);
        await WriteFileAsync(tar, "index.json", JsonSerializer.SerializeToUtf8Bytes(index, OciJsonContext.Default.ImageIndex), cancellationToken);
        var directory = new PaxTarEntry(TarEntryType.Directory, "blobs/") { Mode = (UnixFileMode)0x1ed };
        await tar.WriteEntryAsync(directory, cancellationToken);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "blobs/sha256/") { Mode = (UnixFileMode)0x1ed }, cancellationToken);
        long bytes = 0;
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (string blob in new[] { top.Digest, digest, manifest.Config.Digest }.Concat(manifest.Layers.Select(l => l.Digest)))
        {
            if (written.Add(blob))
            {
                bytes += await WriteBlobAsync(tar, blob, cancellationToken);
            }
        }
        return (manifest.Layers.Count, bytes);
    }

    /// <summary>
    /// index.json's entry for a name that pins an index (REPO@sha256:INDEX, which the store
    /// maps to the platform manifest a pull chose from it): that index, so that `image import`
    /// can check the name against the manifest. With only the manifest, the archive named
    /// INDEX while holding another digest, which import rightly refuses (images review of
    /// 2026-12-07, finding 3). The index's other platforms' manifests are not written: the
    /// OCI image layout lets referenced blobs be missing, and import passes over them.
    /// </summary>
    private Descriptor PinnedIndex(ImageReference parsed, string indexDigest, string manifestDigest, Dictionary<string, string> named)
    {
        string what = $"image export {parsed.ToFamiliarString()}";
        // Pulled before pulls kept the index: an archive without it could not be imported.
        if (!Digests.IsValid(indexDigest) || !_blobs.Has(indexDigest))
            throw new PodUnitsException(what, $"the index {indexDigest} the name pins is not in the image store (fetched before indexes were kept), and without it 'image import' cannot check the name; fetch it again ('podunits image fetch {parsed.ToFamiliarString()}'), or export it by a tag or by its manifest digest ({(parsed with { Tag = null, Digest = manifestDigest }).ToFamiliarString()})");
        byte[] data = _blobs.ReadVerified(indexDigest);
        ImageIndex? index = ManifestKind.IsIndex(data, null, $"blob {indexDigest}")
            ? Parse(data, OciJsonContext.Default.ImageIndex, $"index {indexDigest}", "image index") : null;
        if (index?.Manifests is not { } listed || !listed.Any(m => m?.Digest == manifestDigest))
            throw new PodUnitsException(what, $"the name pins {indexDigest}, which is not an index listing the image's manifest {manifestDigest}; export it by its manifest digest");
        return new Descriptor
        {
            MediaType = MediaTypes.IsIndex(index.MediaType) ? index.MediaType : MediaTypes.OciIndex,
            Digest = indexDigest,
            Size = data.Length,
            Annotations = named,
        };
    }

    private string FindStored(ImageReference reference) =>
        FindLocal(reference) ?? throw new BadInputException($"image {reference.ToFamiliarString()}", "is not in the image store ('podunits image list' shows what is)");

    private static async Task WriteFileAsync(TarWriter tar, string name, byte[] content, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(content, writable: false);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1a4, DataStream = data }, cancellationToken);
    }

    private async Task<long> WriteBlobAsync(TarWriter tar, string digest, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(_blobs.PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The store's error, said as a pull or a start says it: it was "internal error",
            // as the export's catch of write failures lets these through (review of the merged
            // changes, 2026-12-07, finding 5).
            throw BlobStore.NotStored(digest, e);
        }
        await using var opened = file;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var checking = new HashingStream(file, hash, digest);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, "blobs/sha256/" + Digests.Hex(digest)) { Mode = (UnixFileMode)0x1a4, DataStream = checking };
        await tar.WriteEntryAsync(entry, cancellationToken);
        string actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != digest)
        {
            throw new PodUnitsException($"blob {digest}", $"in the image store has the digest {actual}: the store is damaged ('podunits image fetch' or import the image again)");
        }
        return file.Length;
    }

    /// <summary>A read-only pass-through that hashes what is read. A failure to read is the
    /// store's, said of the blob: as an IOException it was blamed on the archive being written.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash, string digest) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position
        {
            get => inner.Position;
            set
            {
                if (value != inner.Position)
                {
                    throw new NotSupportedException("a hashing stream reads each byte once, in order");
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                n = inner.Read(buffer);
            }
            catch (IOException e)
            {
                throw Unreadable(e);
            }
            hash.AppendData(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n;
            try
            {
                n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw Unreadable(e);
            }
            hash.AppendData(buffer.Span[..n]);
            return n;
        }

        private PodUnitsException Unreadable(IOException e) =>
            new($"blob {digest}", $"in the image store cannot be read ({e.Message}): the store is damaged ('podunits image fetch' or import the image again)",
                ExitCodes.RuntimeFailure, e);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

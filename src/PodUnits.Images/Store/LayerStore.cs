using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Core.Native;
using PodUnits.Images.Unpack;

namespace PodUnits.Images.Store;

/// <summary>
/// layers/sha256/DIFFID-HEX: each layer unpacked once into its own directory (an overlayfs
/// lower dir), shared by every image and pod that uses it. Keyed by diff_id (the digest of
/// the uncompressed tar) so the same layer compressed two ways is unpacked once.
/// <para>
/// The final name is the mark that a layer is complete, and it is only ever given to a
/// layer that is whole and on disk: the layer is unpacked into ".tmp-..." next to it, its
/// diff_id checked, the whole tree made durable (syncfs, see
/// <see cref="AtomicFile.SyncFilesystem"/>), and only then renamed into place, followed by
/// an fsync of the parent directory. rename(2) is atomic, also across a crash on a
/// journaling filesystem (ext4, xfs: the rename is one transaction), so after a crash the
/// layer is either under its final name with every file written before the rename, or
/// still under ".tmp-...": never used (<see cref="Has"/> looks at the final name only),
/// unpacked again by the next resolve and removed by gc. No marker file is needed, and none
/// could live inside the directory: it is the container's root filesystem.
/// </para>
/// </summary>
internal sealed class LayerStore
{
    private const long ProgressEvery = 1 << 20;
    private readonly LayerUnpacker _unpacker;
    private readonly Action<string> _syncTree;

    /// <param name="syncTree">For tests: what makes an unpacked tree durable (default syncfs).</param>
    public LayerStore(string storeRoot, LayerUnpacker? unpacker = null, Action<string>? syncTree = null)
    {
        Directory = storeRoot + "/layers/sha256";
        PrivateDirectory.Create(storeRoot + "/layers");
        System.IO.Directory.CreateDirectory(Directory);
        _unpacker = unpacker ?? new LayerUnpacker();
        _syncTree = syncTree ?? AtomicFile.SyncFilesystem;
    }

    public string Directory { get; }

    public string PathOf(string diffId) => Directory + "/" + Digests.Hex(diffId);

    public bool Has(string diffId) => System.IO.Directory.Exists(PathOf(diffId));

    /// <summary>Unpacks the layer blob unless its directory exists already; returns notes
    /// (device nodes skipped and the like). <paramref name="progress"/> hears the compressed
    /// bytes read so far, about every MiB.</summary>
    public IReadOnlyList<string> Ensure(string diffId, string blobPath, string blobDigest, CancellationToken cancellationToken,
        Action<long>? progress = null)
    {
        string final = PathOf(diffId);
        if (System.IO.Directory.Exists(final)) return [];
        string temp = $"{Directory}/.tmp-{Digests.Hex(diffId)}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        SafePaths.MakeDirectory(temp, LibcExtra.Mode0755);
        try
        {
            UnpackResult result;
            using (FileStream blob = OpenBlob(blobPath, blobDigest))
            using (var counted = new ProgressStream(blob, ProgressEvery, progress))
            {
                try
                {
                    result = _unpacker.Unpack(counted, temp, cancellationToken);
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or TarHeaderTooLargeException
                    || (e is InvalidOperationException && e is not ObjectDisposedException))
                {
                    // The digest matched when it was stored, so this is what the image's maker
                    // sent, unless the disk changed it since. System.Formats.Tar throws
                    // InvalidOperationException for a PAX or GNU long-name header larger than
                    // any array: a tar no reader takes.
                    ThrowIfDamagedInStore(blobPath, blobDigest, e);
                    throw new PodUnitsException($"layer {blobDigest}", e switch
                    {
                        EndOfStreamException => "ends inside a tar entry (truncated when it was made)",
                        InvalidOperationException => $"has a tar header that cannot be read ({e.Message.ReplaceLineEndings(" ")})",
                        // (images review of 2026-12-07, finding 1)
                        TarHeaderTooLargeException => $"has {e.Message}; refused, as containerd and podman refuse it",
                        _ => "is not a valid tar (or gzip/zstd of one): damaged when it was made",
                    });
                }
            }
            if (result.DiffId != diffId)
            {
                ThrowIfDamagedInStore(blobPath, blobDigest, null);
                throw new PodUnitsException($"layer {blobDigest}", $"uncompressed content has digest {result.DiffId}, but the image config says {diffId}; refused");
            }
            // Durable before it gets the name that says "complete".
            long read = new FileInfo(blobPath).Length;
            Progress.Heartbeat.During(() => _syncTree(temp), progress is null ? null : () => progress(read));
            try
            {
                System.IO.Directory.Move(temp, final);
            }
            catch (IOException) when (System.IO.Directory.Exists(final))
            {
                // Another executor unpacked the same layer meanwhile: theirs is as good as ours.
                System.IO.Directory.Delete(temp, recursive: true);
            }
            AtomicFile.SyncDirectory(Directory);
            return result.Notes;
        }
        catch
        {
            if (System.IO.Directory.Exists(temp)) System.IO.Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// The caller saw the blob stored, but another process may have set it aside since
    /// (<see cref="ThrowIfDamagedInStore"/>, while unpacking the same layer for another image):
    /// that is the store's one-line error telling to fetch again, not a raw
    /// FileNotFoundException reported as an internal error (second images review of
    /// 2026-12-06, finding 6).
    /// </summary>
    private static FileStream OpenBlob(string blobPath, string blobDigest)
    {
        try
        {
            return new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException e)
        {
            throw BlobStore.NotStored(blobDigest, e);
        }
    }

    /// <summary>
    /// A blob that no longer matches its digest was changed on disk after its checked commit
    /// (a disk error, a file system that lost data): not the image maker's fault, and as it
    /// was, `image fetch` took it for present and fetched nothing. It is moved out of its name
    /// (a ".tmp-" name gc removes), so the next fetch downloads it again (images review of
    /// 2026-12-06, finding 4). Read only on this failure path.
    /// </summary>
    private static void ThrowIfDamagedInStore(string blobPath, string blobDigest, Exception? inner)
    {
        string? actual;
        try
        {
            using var stream = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            actual = Digests.Of(stream);
        }
        catch (FileNotFoundException)
        {
            actual = null; // another process unpacking the same layer found it damaged first and set it aside
        }
        if (actual == blobDigest)
        {
            return;
        }
        if (actual is not null)
        {
            string aside = $"{Path.GetDirectoryName(blobPath)}/.tmp-damaged-{Digests.Hex(blobDigest)}-{Environment.ProcessId}";
            try
            {
                File.Move(blobPath, aside, overwrite: true);
            }
            catch (FileNotFoundException)
            {
                // Set aside by that other process meanwhile.
            }
        }
        throw new PodUnitsException($"layer {blobDigest}", "is damaged in the image store (its bytes no longer match their digest); it was set aside: fetch the image again ('podunits image fetch')",
            ExitCodes.RuntimeFailure, inner);
    }
}

using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Core.Native;
using PodUnits.Images.Unpack;

namespace PodUnits.Images.Store;

/// <summary>
/// layers/vN/DIFFID-HEX: each layer unpacked once (per unpacker version) into its own directory (an overlayfs
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
/// <para>
/// The diff_id names the unpacker's input, not its output: a fix of the unpacker (binary
/// xattrs such as security.capability, skipped device nodes) changes what the same tar
/// becomes. So the layers each version of the unpacker made have their own directory,
/// layers/v<see cref="UnpackerVersion"/> (version 1, before there were versions:
/// layers/sha256), and a layer that only an older version unpacked counts as absent and is
/// unpacked again beside it (upgrade review of 2026-12-07, finding 2). The older directory
/// is never renamed or changed here: a running pod may have it as an overlay lower dir. gc
/// keeps it while a pod's pin names that version (<see cref="PodImages"/>). Each version
/// reads only its own directory, so a downgraded PodUnits never misreads a newer layout:
/// it unpacks its own copy.
/// </para>
/// </summary>
internal sealed class LayerStore
{
    /// <summary>Bumped whenever the unpacker's output for the same tar changes, as
    /// SeccompPrograms' CompilerVersion is: every layer stored before is then unpacked again
    /// once. 2: xattr values set byte for byte and values holding a newline unpacked
    /// (commits e5018d0, f0d2bd5).</summary>
    public const int UnpackerVersion = 2;

    private const long ProgressEvery = 1 << 20;
    private readonly LayerUnpacker _unpacker;
    private readonly Action<string> _syncTree;

    /// <param name="syncTree">For tests: what makes an unpacked tree durable (default syncfs).</param>
    public LayerStore(string storeRoot, LayerUnpacker? unpacker = null, Action<string>? syncTree = null)
    {
        Root = storeRoot + "/layers";
        Directory = DirectoryOf(UnpackerVersion);
        PrivateDirectory.Create(Root);
        System.IO.Directory.CreateDirectory(Directory);
        _unpacker = unpacker ?? new LayerUnpacker();
        _syncTree = syncTree ?? AtomicFile.SyncFilesystem;
    }

    /// <summary>layers/: the directories of every unpacker version.</summary>
    public string Root { get; }

    /// <summary>Where this version's layers are.</summary>
    public string Directory { get; }

    public string PathOf(string diffId) => Directory + "/" + Digests.Hex(diffId);

    /// <summary>Where the layer <paramref name="diffId"/> that unpacker
    /// <paramref name="version"/> made is (or would be).</summary>
    public string PathOf(int version, string diffId) => DirectoryOf(version) + "/" + Digests.Hex(diffId);

    /// <summary>layers/vN (layers/sha256 for version 1). No "sha256" level under vN: a
    /// diff_id is a sha256 digest, and each byte of a lower dir's path counts where overlayfs
    /// options must fit one page (kernels before 6.8): the versioned path is shorter than
    /// version 1's, so no image that mounted before an upgrade is refused after it (review of
    /// the merged changes of 2026-12-07, finding 5).</summary>
    private string DirectoryOf(int version) =>
        version <= 1 ? Root + "/sha256" : $"{Root}/v{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The layer directories of every version present (older and newer ones too):
    /// layers/sha256 and layers/vN.</summary>
    public IEnumerable<string> AllDirectories()
    {
        if (System.IO.Directory.Exists(Root + "/sha256")) yield return Root + "/sha256";
        foreach (string version in System.IO.Directory.EnumerateDirectories(Root, "v*"))
        {
            if (int.TryParse(Path.GetFileName(version).AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
                && n >= 2 && DirectoryOf(n) == version)
            {
                yield return version;
            }
        }
    }

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

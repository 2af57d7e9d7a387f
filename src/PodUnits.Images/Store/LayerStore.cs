using PodUnits.Core.Errors;
using PodUnits.Images.Native;
using PodUnits.Images.Unpack;

namespace PodUnits.Images.Store;

/// <summary>
/// layers/sha256/DIFFID-HEX: each layer unpacked once into its own directory (an overlayfs
/// lower dir), shared by every image and pod that uses it. Unpacked into ".tmp-..." next to
/// it and renamed into place only when complete and its diff_id checked, so a layer
/// directory under its final name is always whole. Keyed by diff_id (the digest of the
/// uncompressed tar) so the same layer compressed two ways is unpacked once.
/// </summary>
internal sealed class LayerStore
{
    private readonly LayerUnpacker _unpacker;

    public LayerStore(string storeRoot, LayerUnpacker? unpacker = null)
    {
        Directory = storeRoot + "/layers/sha256";
        System.IO.Directory.CreateDirectory(Directory);
        _unpacker = unpacker ?? new LayerUnpacker();
    }

    public string Directory { get; }

    public string PathOf(string diffId) => Directory + "/" + Digests.Hex(diffId);

    public bool Has(string diffId) => System.IO.Directory.Exists(PathOf(diffId));

    /// <summary>Unpacks the layer blob unless its directory exists already; returns notes.</summary>
    public IReadOnlyList<string> Ensure(string diffId, string blobPath, string blobDigest, CancellationToken cancellationToken)
    {
        string final = PathOf(diffId);
        if (System.IO.Directory.Exists(final)) return [];
        string temp = $"{Directory}/.tmp-{Digests.Hex(diffId)}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        ImagesLibc.CheckIo(ImagesLibc.mkdir(temp, 0x1ed), "mkdir", temp);
        try
        {
            UnpackResult result;
            using (var blob = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                result = _unpacker.Unpack(blob, temp, cancellationToken);
            }
            if (result.DiffId != diffId)
                throw new PodUnitsException($"layer {blobDigest}", $"uncompressed content has digest {result.DiffId}, but the image config says {diffId}; refused");
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
}

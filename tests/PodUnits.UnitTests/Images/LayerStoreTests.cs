using PodUnits.Images.Store;
using PodUnits.Images.Unpack;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>A layer directory gets its final name only when it is whole and on disk.</summary>
public sealed class LayerStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-layers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string BlobPath, string BlobDigest, string DiffId) Blob()
    {
        byte[] tar = new LayerBuilder().Dir("bin").File("bin/tool", "v1").File("etc/motd", "hello").Tar();
        byte[] gz = LayerBuilder.Gzip(tar);
        string path = _dir + "/blob";
        File.WriteAllBytes(path, gz);
        return (path, "sha256:" + OciLayoutBuilder.Hex(gz), "sha256:" + OciLayoutBuilder.Hex(tar));
    }

    [Fact]
    public void ATarHeaderTooLargeToReadIsOneLineNamingTheLayer()
    {
        byte[] blob = OversizedPaxHeader();
        File.WriteAllBytes(_dir + "/huge", blob);
        string digest = "sha256:" + OciLayoutBuilder.Hex(blob);
        var layers = new LayerStore(_dir + "/store");

        var e = Assert.Throws<PodUnits.Core.Errors.PodUnitsException>(() => layers.Ensure("sha256:" + new string('0', 64), _dir + "/huge", digest, CancellationToken.None));

        Assert.Equal($"layer {digest}: has a tar header of type x larger than 1 MiB (2147483648 bytes); refused, as containerd and podman refuse it", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(layers.Directory));
    }

    /// <summary>Second images review of 2026-12-06, finding 6: a blob seen stored and then set
    /// aside by another process (as damaged) before it was opened gave a raw
    /// FileNotFoundException, an internal error, instead of telling to fetch again.</summary>
    [Fact]
    public void ABlobGoneBeforeItIsOpenedIsTheStoresErrorToFetchAgain()
    {
        (string path, string digest, string diffId) = Blob();
        File.Delete(path);
        var layers = new LayerStore(_dir + "/store");

        var e = Assert.Throws<PodUnits.Core.Errors.PodUnitsException>(() => layers.Ensure(diffId, path, digest, CancellationToken.None));

        Assert.Equal($"blob {digest}: is not in the image store (run 'podunits image fetch' again)", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(layers.Directory)); // no temp dir left
    }

    /// <summary>A ustar block of a PAX extended header ('x') whose size field says 2 GiB, more
    /// than any array: System.Formats.Tar throws InvalidOperationException reading it, and
    /// the guard refuses it before (images review of 2026-12-07, finding 1).</summary>
    private static byte[] OversizedPaxHeader() => [.. RawTar.Header("PaxHeaders/huge", 'x', 1L << 31), .. new byte[512 * 3]];

    [Fact]
    public void TheWholeTreeIsSyncedBeforeTheRenameThatMarksItComplete()
    {
        (string blobPath, string blobDigest, string diffId) = Blob();
        var synced = new List<(string Path, bool FinalExisted, bool ContentThere)>();
        LayerStore layers = null!;
        layers = new LayerStore(_dir + "/store", new LayerUnpacker(),
            path => synced.Add((path, layers.Has(diffId), File.ReadAllText(path + "/etc/motd") == "hello")));

        layers.Ensure(diffId, blobPath, blobDigest, CancellationToken.None);

        (string syncedPath, bool finalExisted, bool contentThere) = Assert.Single(synced);
        Assert.StartsWith(layers.Directory + "/.tmp-", syncedPath, StringComparison.Ordinal);
        Assert.False(finalExisted);
        Assert.True(contentThere);
        Assert.True(layers.Has(diffId));
        Assert.False(Directory.Exists(syncedPath));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("zstd")] // a zstd frame's magic, then garbage: ZstdSharp's own exception was an internal error
    public void ABlobThatIsNoLayerIsRefusedNamingIt(string kind)
    {
        // Its digest matches (the image's maker sent it so), but it is no tar: garbage, or a
        // tar cut inside an entry.
        byte[] tar = new LayerBuilder().File("etc/motd", new string('x', 4000)).Tar();
        byte[] garbage = [.. Enumerable.Range(0, 2048).Select(i => (byte)(i * 7 + 3))];
        byte[] blob = kind switch
        {
            "truncated" => tar[..1000],
            "zstd" => [0x28, 0xb5, 0x2f, 0xfd, .. garbage],
            _ => garbage,
        };
        File.WriteAllBytes(_dir + "/bad", blob);
        string digest = "sha256:" + OciLayoutBuilder.Hex(blob);
        var layers = new LayerStore(_dir + "/store");
        var e = Assert.Throws<PodUnits.Core.Errors.PodUnitsException>(() => layers.Ensure("sha256:" + new string('0', 64), _dir + "/bad", digest, CancellationToken.None));
        Assert.StartsWith($"layer {digest}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(kind == "truncated" ? "ends inside a tar entry" : "is not a valid tar", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(layers.Directory));
    }

    /// <summary>Images review of 2026-12-06, finding 4: a blob changed on disk after its
    /// checked commit was blamed on the image's maker, and stayed, so `image fetch` fetched
    /// nothing. It is said as the store's damage and set aside for a fetch to replace.</summary>
    [Fact]
    public void ABlobDamagedInTheStoreIsSaidSoAndSetAside()
    {
        (string blobPath, string blobDigest, string diffId) = Blob();
        byte[] bytes = File.ReadAllBytes(blobPath);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(blobPath, bytes);
        var layers = new LayerStore(_dir + "/store");

        var e = Assert.Throws<PodUnits.Core.Errors.PodUnitsException>(() => layers.Ensure(diffId, blobPath, blobDigest, CancellationToken.None));

        Assert.StartsWith($"layer {blobDigest}: is damaged in the image store", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(blobPath));
        Assert.Single(Directory.GetFiles(_dir, ".tmp-damaged-*"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(layers.Directory));
    }

    [Fact]
    public void ASyncFailureLeavesNoLayerUnderItsFinalName()
    {
        (string blobPath, string blobDigest, string diffId) = Blob();
        var layers = new LayerStore(_dir + "/store", new LayerUnpacker(), _ => throw new IOException("EIO"));

        Assert.Throws<IOException>(() => layers.Ensure(diffId, blobPath, blobDigest, CancellationToken.None));

        Assert.False(layers.Has(diffId));
        Assert.Empty(Directory.EnumerateFileSystemEntries(layers.Directory));
    }

    /// <summary>Upgrade review of 2026-12-07, finding 2: a layer an older unpacker stored
    /// (before binary xattrs were kept, say) was taken as unpacked for ever. It counts as
    /// absent now and is unpacked again beside it, by the same .tmp- and rename; the old
    /// directory, maybe a running pod's lower dir, is left as it is.</summary>
    [Fact]
    public void ALayerAnOlderUnpackerVersionMadeIsUnpackedAgainBesideIt()
    {
        (string blobPath, string blobDigest, string diffId) = Blob();
        var layers = new LayerStore(_dir + "/store");
        string old = layers.PathOf(1, diffId);
        Directory.CreateDirectory(old + "/etc");
        File.WriteAllText(old + "/etc/motd", "what version 1 made");

        Assert.Equal(_dir + "/store/layers/sha256/" + diffId[7..], old);
        Assert.Equal($"{_dir}/store/layers/v{LayerStore.UnpackerVersion}/{diffId[7..]}", layers.PathOf(diffId));
        Assert.False(layers.Has(diffId));
        layers.Ensure(diffId, blobPath, blobDigest, CancellationToken.None);

        Assert.True(layers.Has(diffId));
        Assert.Equal("hello", File.ReadAllText(layers.PathOf(diffId) + "/etc/motd"));
        Assert.Equal("what version 1 made", File.ReadAllText(old + "/etc/motd"));
        Assert.Equal([_dir + "/store/layers/sha256", layers.Directory], layers.AllDirectories());
        Assert.Equal([layers.PathOf(diffId)], Directory.EnumerateDirectories(layers.Directory)); // no temp left
    }

    [Fact]
    public void AnUnpackCutShortByACrashIsNeverUsedAndIsDoneAgain()
    {
        (string blobPath, string blobDigest, string diffId) = Blob();
        var layers = new LayerStore(_dir + "/store");
        // What a crash mid-unpack leaves: a temp dir of a dead process, half full.
        string leftover = $"{layers.Directory}/.tmp-{diffId[7..]}-999999-{Guid.NewGuid():N}";
        Directory.CreateDirectory(leftover + "/bin");

        Assert.False(layers.Has(diffId));
        layers.Ensure(diffId, blobPath, blobDigest, CancellationToken.None);

        Assert.Equal("hello", File.ReadAllText(layers.PathOf(diffId) + "/etc/motd"));
        Assert.Equal("v1", File.ReadAllText(layers.PathOf(diffId) + "/bin/tool"));
    }
}

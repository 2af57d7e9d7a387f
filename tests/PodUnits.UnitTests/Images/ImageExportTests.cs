using System.Formats.Tar;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>`image inspect` and `image export` on a store in a temp dir: an exported archive
/// imports back into another store as the same manifest, under the same name.</summary>
public sealed class ImageExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-export-").FullName;
    private readonly ImageStore _store;
    private readonly string _manifest;

    public ImageExportTests()
    {
        _store = ImageStore.Open(_dir + "/store", new RegistrySettings());
        byte[] lower = new LayerBuilder().Dir("bin").File("bin/tool", "v1", (UnixFileMode)0x1ed).Tar();
        byte[] upper = new LayerBuilder().File("etc/motd", "hello").Tar();
        _manifest = OciLayoutBuilder.Write(_dir + "/layout", [lower, upper], [LayerBuilder.Gzip(lower), LayerBuilder.Gzip(upper)],
            "application/vnd.oci.image.layer.v1.tar+gzip", cmd: ["/bin/tool", "--serve"]);
        _store.ImportAsync(_dir + "/layout", "localhost/test/app:1").GetAwaiter().GetResult();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void InspectShowsDigestsLayersNamesAndTheWholeConfiguration()
    {
        _store.Tag("localhost/test/app:latest", _manifest);

        ImageDetails image = _store.Inspect("localhost/test/app:1");

        Assert.Equal(_manifest, image.ManifestDigest);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", image.ManifestMediaType);
        Assert.Equal(("linux", "amd64"), (image.Os, image.Architecture));
        Assert.Equal("2024-01-01T00:00:00Z", image.Created);
        Assert.Equal(2, image.Layers.Count);
        Assert.All(image.Layers, l => Assert.StartsWith("sha256:", l.DiffId, StringComparison.Ordinal));
        Assert.NotEqual(image.Layers[0].Digest, image.Layers[0].DiffId); // stored gzip, unpacked tar
        Assert.Equal(["localhost/test/app:1", "localhost/test/app:latest"], image.References.Order(StringComparer.Ordinal));
        Assert.Equal("[\"/bin/tool\",\"--serve\"]", image.Config!["Cmd"]!.ToJsonString());
        Assert.Equal("[\"PATH=/bin\"]", image.Config["Env"]!.ToJsonString());
    }

    /// <summary>Review of the merged changes, 2026-12-07, finding 5: a blob missing from the
    /// store made `image export` say "internal error".</summary>
    [Fact]
    public async Task ABlobMissingFromTheStoreIsSaidAsTheStoresError()
    {
        ImageDetails image = _store.Inspect("localhost/test/app:1");
        File.Delete($"{_dir}/store/blobs/sha256/{image.Layers[1].Digest["sha256:".Length..]}");
        await using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ExportAsync("localhost/test/app:1", output));
        Assert.Equal($"blob {image.Layers[1].Digest}: is not in the image store (run 'podunits image fetch' again)", e.Message);
    }

    [Fact]
    public async Task AnExportedArchiveIsAnOciLayoutThatImportsBackUnderItsName()
    {
        string archive = _dir + "/app.tar";
        await using (var output = File.Create(archive))
        {
            (int layers, long bytes) = await _store.ExportAsync("localhost/test/app:1", output);
            Assert.Equal(2, layers);
            Assert.True(bytes > 0);
        }
        var names = new List<string>();
        await using (var input = File.OpenRead(archive))
        {
            using var reader = new TarReader(input);
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
            }
        }
        Assert.Contains("oci-layout", names);
        Assert.Contains("index.json", names);
        Assert.Contains("blobs/sha256/" + _manifest["sha256:".Length..], names);
        Assert.Equal(4, names.Count(n => n.StartsWith("blobs/sha256/", StringComparison.Ordinal) && n.Length > "blobs/sha256/".Length)); // manifest, config, 2 layers

        var other = ImageStore.Open(_dir + "/other", new RegistrySettings());
        ResolvedImage back = Assert.Single(await other.ImportAsync(archive)); // no --name: index.json names it in full
        Assert.Equal("localhost/test/app:1", back.Reference);
        Assert.Equal(_manifest, back.ManifestDigest);
        Assert.Equal("v1", File.ReadAllText(back.LayerDirs[1] + "/bin/tool"));
    }

    [Fact]
    public async Task ADamagedBlobFailsTheExportNamingIt()
    {
        ImageDetails image = _store.Inspect("localhost/test/app:1");
        string layer = image.Layers[1].Digest;
        string path = $"{_dir}/store/blobs/sha256/{layer["sha256:".Length..]}";
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(path, bytes);

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ExportAsync("localhost/test/app:1", Stream.Null));

        Assert.Contains($"blob {layer}", e.Message, StringComparison.Ordinal);
        Assert.Contains("the store is damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnImageNotInTheStoreIsBadInput()
    {
        var e = await Assert.ThrowsAsync<BadInputException>(() => _store.ExportAsync("localhost/test/nothere:1", Stream.Null));
        Assert.Contains("is not in the image store", e.Message, StringComparison.Ordinal);
        Assert.Throws<BadInputException>(() => _store.Inspect("localhost/test/nothere:1"));
    }
}

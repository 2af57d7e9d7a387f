using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>An image whose config cannot be read (fields of the wrong JSON type, a blob
/// gone or damaged) is one line of error naming the blob; list, inspect and gc go on, and
/// gc never takes layers such an image may need.</summary>
public sealed class BrokenImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-broken-").FullName;
    private readonly ImageStore _store;

    public BrokenImageTests() => _store = ImageStore.Open(_dir + "/store", new RegistrySettings());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A one-layer layout whose file says <paramref name="version"/>; returns its dir.</summary>
    private string Layout(string version, string? configFields = null)
    {
        byte[] tar = new LayerBuilder().File("version", version).Tar();
        string dir = $"{_dir}/layout-{version}";
        OciLayoutBuilder.Write(dir, [tar], [LayerBuilder.Gzip(tar)], "application/vnd.oci.image.layer.v1.tar+gzip", configFields: configFields);
        return dir;
    }

    private static string ConfigOf(string layout) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllBytes($"{layout}/blobs/sha256/{ManifestHex(layout)}"))
            .RootElement.GetProperty("config").GetProperty("digest").GetString()!;

    private static string ManifestHex(string layout) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(layout + "/index.json"))
            .RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!["sha256:".Length..];

    [Fact]
    public async Task AConfigWithAStringEntrypointIsOneLineNamingTheBlobAndListAndGcGoOn()
    {
        await _store.ImportAsync(Layout("good"), "localhost/good:1");
        string bad = Layout("bad", configFields: "\"Entrypoint\":\"/bin/sh\"");
        string config = ConfigOf(bad);

        var import = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ImportAsync(bad, "localhost/bad:1"));

        Assert.StartsWith($"config {config} of image localhost/bad:1: is not a valid image config: ", import.Message, StringComparison.Ordinal);
        Assert.Contains("$.config.Entrypoint", import.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', import.Message);
        Assert.Equal(["localhost/good:1"], _store.List().Select(i => i.Reference));

        // A reference to it all the same (as an older version's pull left them): everything
        // that reads it says what is wrong, and what reads all images goes on.
        _store.Refs.Set("localhost/bad:1", "sha256:" + ManifestHex(bad));
        var resolve = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ResolveAsync("localhost/bad:1", PullPolicy.Never));
        Assert.StartsWith($"config {config} of image localhost/bad:1: is not a valid image config: ", resolve.Message, StringComparison.Ordinal);
        Assert.StartsWith($"config {config} of image localhost/bad:1: ", Assert.Throws<PodUnitsException>(() => _store.Inspect("localhost/bad:1")).Message, StringComparison.Ordinal);
        Assert.Equal(2, _store.List().Count);
        Assert.Equal("<broken>", Assert.Single(_store.List(), i => i.Reference == "localhost/bad:1").Id);

        GcResult gc = _store.CollectGarbage();

        Assert.Equal(0, gc.BlobsRemoved); // its manifest parses: its config and layer blob stay
        Assert.StartsWith($"config {config} of manifest sha256:{ManifestHex(bad)}: is not a valid image config", gc.LayersKeptBecause, StringComparison.Ordinal);
        Assert.True(File.Exists($"{_store.Root}/blobs/sha256/{config["sha256:".Length..]}"));
        Assert.Equal("good", File.ReadAllText((await _store.ResolveAsync("localhost/good:1", PullPolicy.Never)).LayerDirs[0] + "/version"));

        GcResult rm = _store.Remove("localhost/bad:1");
        Assert.Null(rm.LayersKeptBecause);
        Assert.Equal(3, rm.BlobsRemoved);
    }

    [Fact]
    public async Task GcKeepsEveryLayerWhileALiveImagesConfigCannotBeRead()
    {
        ResolvedImage app = Assert.Single(await _store.ImportAsync(Layout("app"), "localhost/app:1"));
        ResolvedImage other = Assert.Single(await _store.ImportAsync(Layout("other"), "localhost/other:1"));
        _store.Refs.Remove("localhost/other:1"); // garbage now, layer dir included
        string configBlob = $"{_store.Root}/blobs/sha256/{app.ConfigDigest["sha256:".Length..]}";
        byte[] configBytes = File.ReadAllBytes(configBlob);
        File.Delete(configBlob); // lost: which layer dirs the image needs cannot be known

        GcResult gc = _store.CollectGarbage();

        Assert.Equal(0, gc.LayersRemoved); // not even the other image's: a pod may have it mounted under this one
        Assert.Equal(3, gc.BlobsRemoved); // the other image's manifest, config and layer blob
        Assert.Equal($"blob {app.ConfigDigest}: is not in the image store (run 'podunits image fetch' again)", gc.LayersKeptBecause);
        Assert.True(Directory.Exists(app.LayerDirs[0]));
        Assert.True(Directory.Exists(other.LayerDirs[0]));
        Assert.True(_store.Blobs.Has(app.ManifestDigest));
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ResolveAsync("localhost/app:1", PullPolicy.Never));
        Assert.Contains("is not in the image store", e.Message, StringComparison.Ordinal);

        File.WriteAllBytes(configBlob, configBytes); // a new fetch would bring it back
        GcResult after = _store.CollectGarbage();

        Assert.Null(after.LayersKeptBecause);
        Assert.Equal(1, after.LayersRemoved);
        Assert.False(Directory.Exists(other.LayerDirs[0]));
        Assert.Equal("app", File.ReadAllText((await _store.ResolveAsync("localhost/app:1", PullPolicy.Never)).LayerDirs[0] + "/version"));
    }
}

using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>A pull whose image is refused after its blobs are stored (at unpack) moves no
/// tag: the image the tag named before stays referenced, runnable and kept by gc. Against
/// a registry on 127.0.0.1 that serves test/app:1 from OCI layouts written here.</summary>
public sealed class FailedPullTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-failed-pull-").FullName;
    private string _tag = "";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes a one-layer layout; the tag names it from now on. <paramref name="diffIdOf"/>:
    /// the tar the config claims (another one than the layer's makes the image refused).</summary>
    private string Publish(string version, byte[]? diffIdOf = null)
    {
        byte[] tar = new LayerBuilder().File("version", version).Tar();
        _tag = OciLayoutBuilder.Write($"{_dir}/layouts/{version}", [diffIdOf ?? tar], [LayerBuilder.Gzip(tar)], "application/vnd.oci.image.layer.v1.tar+gzip");
        return _tag;
    }

    private (int, string, IEnumerable<byte[]>) Route(string path)
    {
        const string Blobs = "/v2/test/app/blobs/sha256:";
        if (path == "/v2/test/app/manifests/1") return (200, "application/vnd.oci.image.manifest.v1+json", [Blob(_tag["sha256:".Length..])]);
        if (path.StartsWith(Blobs, StringComparison.Ordinal)) return (200, "application/octet-stream", [Blob(path[Blobs.Length..])]);
        return (404, "text/plain", []);
    }

    /// <summary>The store under test, fetching from <paramref name="registry"/> over plain HTTP.</summary>
    private ImageStore Store(ChunkedRegistry registry) => ImageStore.Open(_dir + "/store", new RegistrySettings(insecure: [registry.Host]));

    private byte[] Blob(string hex) =>
        Directory.EnumerateDirectories(_dir + "/layouts").Select(d => $"{d}/blobs/sha256/{hex}").Where(File.Exists).Select(File.ReadAllBytes).First();

    [Fact]
    public async Task AnImageRefusedAtUnpackLeavesTheTagOnTheImageItNamedBefore()
    {
        using var registry = new ChunkedRegistry(Route);
        var store = Store(registry);
        string reference = registry.Host + "/test/app:1";
        string good = Publish("good");
        ResolvedImage before = await store.FetchAsync(reference);
        Assert.Equal(good, before.ManifestDigest);

        string broken = Publish("broken", diffIdOf: new LayerBuilder().File("version", "other").Tar());
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync(reference));

        Assert.Contains("image config says", e.Message, StringComparison.Ordinal);
        Assert.True(store.Blobs.Has(broken)); // stored, but named by nothing
        Assert.Equal(good, store.LocalDigest(reference));
        Assert.Equal(good, Assert.Single(store.List()).ManifestDigest);
        // IfNotPresent runs the stored image, it does not fetch the broken one again.
        Assert.Equal(before.LayerDirs, (await store.ResolveAsync(reference, PullPolicy.IfNotPresent)).LayerDirs);

        GcResult gc = store.CollectGarbage();

        Assert.Equal(0, gc.LayersRemoved);
        Assert.Equal(3, gc.BlobsRemoved); // the broken image's manifest, config and layer
        ResolvedImage after = await store.ResolveAsync(reference, PullPolicy.Never);
        Assert.Equal(good, after.ManifestDigest);
        Assert.Equal("good", File.ReadAllText(after.LayerDirs[0] + "/version"));
        await registry.FinishAsync();
    }
    /// <summary>The kind of a manifest comes from its body, which the digest and signatures
    /// cover: a document that reads as an index or a manifest depending on the header is
    /// refused before any blob is fetched, and the tag stays where it was.</summary>
    [Theory]
    [InlineData("application/vnd.oci.image.index.v1+json", "has both 'manifests' (an index) and 'config' or 'layers' (a manifest); refused as ambiguous")]
    [InlineData("application/vnd.oci.image.manifest.v1+json", "has both 'manifests' (an index) and 'config' or 'layers' (a manifest); refused as ambiguous")]
    public async Task AnAmbiguousManifestIsRefusedWhateverItsContentType(string contentType, string why)
    {
        string good = Publish("good");
        byte[] manifest = Blob(good["sha256:".Length..]);
        // The good manifest with an index's "manifests" added: both shapes at once.
        byte[] ambiguous = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(manifest).TrimEnd()[..^1] + ",\"manifests\":[]}");
        await AssertRefused(ambiguous, contentType, why);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.index.v1+json", "is a manifest but the registry sent it as application/vnd.oci.image.index.v1+json; refused")]
    [InlineData("application/vnd.docker.distribution.manifest.list.v2+json", "is a manifest but the registry sent it as application/vnd.docker.distribution.manifest.list.v2+json; refused")]
    public async Task AManifestSentAsAnIndexIsRefused(string contentType, string why)
    {
        string good = Publish("good");
        await AssertRefused(Blob(good["sha256:".Length..]), contentType, why);
    }

    /// <summary>A gc or `image rm` that died midway can leave a manifest whose layer blob and
    /// directory are gone. Such an image is not "present": IfNotPresent pulls it again (only
    /// what is missing), Never says what is wrong, and a rollback does not point a tag at it.</summary>
    [Fact]
    public async Task AnImageAnInterruptedGcLeftWithoutALayerIsFetchedAgain()
    {
        using var registry = new ChunkedRegistry(Route);
        var store = Store(registry);
        string reference = registry.Host + "/test/app:1";
        string good = Publish("good");
        ResolvedImage before = await store.FetchAsync(reference);
        ImageManifest manifest = store.LoadManifest(good).Manifest;
        string layerBlob = store.Blobs.PathOf(manifest.Layers[0].Digest);
        File.Delete(layerBlob);
        Directory.Delete(before.LayerDirs[0], recursive: true);

        var never = await Assert.ThrowsAsync<PodUnitsException>(() => store.ResolveAsync(reference, PullPolicy.Never));
        var rollback = Assert.Throws<PodUnitsException>(() => store.Retag(reference, good));
        ResolvedImage again = await store.ResolveAsync(reference, PullPolicy.IfNotPresent);

        Assert.Contains("is not in the image store and imagePullPolicy is Never", never.Message, StringComparison.Ordinal);
        Assert.Contains("lacks layers the image store no longer holds", rollback.Message, StringComparison.Ordinal);
        Assert.Equal(good, again.ManifestDigest);
        Assert.Equal("good", File.ReadAllText(again.LayerDirs[0] + "/version"));
        Assert.True(File.Exists(layerBlob));
        await registry.FinishAsync();
        // The second pull fetched the missing layer only: the config was still stored.
        Assert.Equal(2, registry.Requests.Count(r => r.Path.EndsWith(manifest.Layers[0].Digest, StringComparison.Ordinal)));
        Assert.Equal(1, registry.Requests.Count(r => r.Path.EndsWith(manifest.Config.Digest, StringComparison.Ordinal)));
    }

    /// <summary>What auto-update holds across its rollback: gc waits for it, a pull does not.</summary>
    [Fact]
    public async Task GcWaitsWhileTheStoresContentIsKept()
    {
        using var registry = new ChunkedRegistry(Route);
        var store = Store(registry);
        string reference = registry.Host + "/test/app:1";
        Publish("good");
        Task<GcResult> gc;
        using (await store.KeepContentAsync())
        {
            await store.FetchAsync(reference); // a pull under the same shared lock goes on
            gc = Task.Run(store.CollectGarbage);
            await Task.Delay(300);
            Assert.False(gc.IsCompleted);
        }
        await gc.WaitAsync(TimeSpan.FromSeconds(30));
        await registry.FinishAsync();
    }

    private async Task AssertRefused(byte[] body, string contentType, string why)
    {
        bool serveBody = false;
        using var registry = new ChunkedRegistry(path => serveBody && path == "/v2/test/app/manifests/1" ? (200, contentType, [body]) : Route(path));
        var store = Store(registry);
        string reference = registry.Host + "/test/app:1";
        string good = (await store.FetchAsync(reference)).ManifestDigest;
        serveBody = true;

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync(reference));

        Assert.Equal($"manifest of {reference}: {why}", e.Message);
        Assert.Equal(good, store.LocalDigest(reference));
        Dictionary<string, long> sent = await registry.FinishAsync();
        Assert.Equal(2, sent.Keys.Count(p => p.Contains("/blobs/", StringComparison.Ordinal))); // the first pull's config and layer only
    }
}

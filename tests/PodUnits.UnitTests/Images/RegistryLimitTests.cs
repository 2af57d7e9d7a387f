using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>Registry bodies have a ceiling also when they come chunked (no Content-Length):
/// reading stops and fails as soon as it is passed. Against a real HTTP server on 127.0.0.1.</summary>
public sealed class RegistryLimitTests : IDisposable
{
    private const long FloodBytes = 64L << 20;
    private const long ReadAtMost = 24L << 20; // limit + socket buffers + the client's drain; far below the flood
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly byte[] Config = Encoding.UTF8.GetBytes("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");

    private static string Manifest(long configSize, string layerDigest, long layerSize) =>
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
        $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:{OciLayoutBuilder.Hex(Config)}\",\"size\":{configSize}}}," +
        $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{layerDigest}\",\"size\":{layerSize}}}]}}";

    private async Task<(PodUnitsException Error, Dictionary<string, long> Sent)> Pull(
        Func<string, (int, string, IEnumerable<byte[]>)> route)
    {
        using var registry = new ChunkedRegistry(route);
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings(insecure: [registry.Host]));
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync(registry.Host + "/test/app:1"));
        Assert.Empty(store.List());
        return (e, await registry.FinishAsync());
    }

    [Fact]
    public async Task AnEndlessChunkedManifestIsRefusedAfterFourMiB()
    {
        (PodUnitsException e, Dictionary<string, long> sent) = await Pull(path =>
            (200, "application/vnd.oci.image.manifest.v1+json", ChunkedRegistry.Flood(FloodBytes)));

        Assert.EndsWith("/test/app:1: is larger than 4 MiB; refused", e.Message, StringComparison.Ordinal);
        Assert.InRange(sent["/v2/test/app/manifests/1"], 4L << 20, ReadAtMost);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task AChunkedBlobLongerThanItsDescriptorIsCutOffThere(long declared)
    {
        string layer = "sha256:" + new string('c', 64);
        (PodUnitsException e, Dictionary<string, long> sent) = await Pull(path => path switch
        {
            "/v2/test/app/manifests/1" => (200, "application/vnd.oci.image.manifest.v1+json",
                [Encoding.UTF8.GetBytes(Manifest(Config.Length, layer, declared))]),
            _ when path.EndsWith(layer, StringComparison.Ordinal) => (200, "application/octet-stream", ChunkedRegistry.Flood(FloodBytes, 0x1f)),
            _ => (200, "application/octet-stream", [Config]),
        });

        Assert.Equal($"blob {layer}: registry sends more than the {declared} bytes the manifest declares; refused", e.Message);
        Assert.InRange(sent[$"/v2/test/app/blobs/{layer}"], 1, ReadAtMost);
        Assert.Empty(Directory.EnumerateFiles(_dir + "/store/blobs/sha256", ".tmp-*"));
    }

    /// <summary>Images review of 2026-12-07, finding 5: a layer listed twice with two sizes was
    /// fetched by the first, and the second overflowed the image's total at every start.</summary>
    [Fact]
    public async Task ABlobListedWithTwoSizesIsRefused()
    {
        string layer = "sha256:" + new string('c', 64);
        string manifest = Manifest(Config.Length, layer, 10).Replace("}]}",
            $"}},{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{layer}\",\"size\":{long.MaxValue}}}]}}", StringComparison.Ordinal);
        (PodUnitsException e, Dictionary<string, long> sent) = await Pull(path =>
            (200, "application/vnd.oci.image.manifest.v1+json", [Encoding.UTF8.GetBytes(manifest)]));

        Assert.EndsWith($"/test/app:1: gives blob {layer} different sizes (10 and {long.MaxValue} bytes); refused", e.Message, StringComparison.Ordinal);
        Assert.Equal(["/v2/test/app/manifests/1"], sent.Keys);
    }

    /// <summary>Images review of 2026-12-07, finding 5: a blob the store held already was taken
    /// with whatever size the manifest gave it, and exported so.</summary>
    [Fact]
    public async Task AStoredBlobIsCheckedAgainstTheSizeTheManifestGives()
    {
        byte[] layerBytes = LayerBuilder.Gzip(new LayerBuilder().File("f", "x").Tar());
        string layer = new BlobStore(_dir + "/store").Add(layerBytes);
        (PodUnitsException e, _) = await Pull(path => path switch
        {
            "/v2/test/app/manifests/1" => (200, "application/vnd.oci.image.manifest.v1+json",
                [Encoding.UTF8.GetBytes(Manifest(Config.Length, layer, layerBytes.Length + 5))]),
            _ => (200, "application/octet-stream", [Config]),
        });

        Assert.StartsWith($"blob {layer} of ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith($"/test/app:1: the manifest declares {layerBytes.Length + 5} bytes, but the blob has {layerBytes.Length}; refused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfigDeclaredLargerThanEightMiBIsNotFetched()
    {
        (PodUnitsException e, Dictionary<string, long> sent) = await Pull(path =>
            (200, "application/vnd.oci.image.manifest.v1+json", [Encoding.UTF8.GetBytes(Manifest(9L << 20, "sha256:" + new string('c', 64), 10))]));

        Assert.Contains("is larger than 8 MiB; refused", e.Message, StringComparison.Ordinal);
        Assert.Equal(["/v2/test/app/manifests/1"], sent.Keys);
    }

    [Fact]
    public async Task AnEndlessErrorBodyIsReadOnlyForItsStart()
    {
        (PodUnitsException e, Dictionary<string, long> sent) = await Pull(path =>
            (404, "text/plain", ChunkedRegistry.Flood(FloodBytes, (byte)'x')));

        Assert.Contains("not found in the registry (404 X: xxxx", e.Message, StringComparison.Ordinal);
        Assert.InRange(sent["/v2/test/app/manifests/1"], 1, ReadAtMost);
    }
}

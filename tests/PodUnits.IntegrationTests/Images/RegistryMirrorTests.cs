using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// registries.yaml's mirrors against a real registry (docker-registry on loopback, images
/// pushed by skopeo). The "origin" of an image is a loopback port nothing listens on, so a
/// pull that succeeds can only have come from the mirror; a mirror that is down is such a
/// port too, and a mirror that lacks the image is the real registry under another path.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class RegistryMirrorTests : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly RegistryFixture _registry;
    private readonly string _storeRoot = $"/var/lib/podunits/test-{Guid.NewGuid():N}";
    private readonly string _down = $"127.0.0.1:{RegistryFixture.FreePort()}";

    public RegistryMirrorTests(RegistryFixture registry) => _registry = registry;

    public void Dispose()
    {
        if (Directory.Exists(_storeRoot)) Directory.Delete(_storeRoot, recursive: true);
    }

    private ImageStore Store(params RegistryMirror[] mirrors) =>
        ImageStore.Open(_storeRoot, new RegistrySettings([_registry.Host, _down], mirrors: mirrors));

    private async Task<string> DigestOf(string reference)
    {
        using JsonDocument inspect = JsonDocument.Parse(await RegistryFixture.RunAsync("skopeo", "inspect", "--tls-verify=false", "docker://" + reference));
        return inspect.RootElement.GetProperty("Digest").GetString()!;
    }

    [Fact]
    public async Task AnImageComesFromItsMirrorAndIsStoredUnderItsOwnName()
    {
        string digest = await DigestOf($"{_registry.Host}/test/busybox:1");
        ImageStore store = Store(new RegistryMirror(_down, _registry.Host, MirrorPulls.All));

        ResolvedImage image = await store.FetchAsync($"{_down}/test/busybox:1");

        Assert.Equal(digest, image.ManifestDigest);
        Assert.Equal(3, image.LayerDirs.Count);
        Assert.Contains(store.List(), i => i.Reference == $"{_down}/test/busybox:1");
        // auto-update's check asks the mirror too.
        Assert.Equal(digest, await store.RemoteDigestAsync($"{_down}/test/busybox:1", known: null));
    }

    [Fact]
    public async Task AMirrorThatIsDownOrLacksTheImageIsPassedOver()
    {
        ImageStore store = Store(
            new RegistryMirror(_registry.Host, _down, MirrorPulls.All),
            new RegistryMirror(_registry.Host, _registry.Host + "/elsewhere", MirrorPulls.All),
            new RegistryMirror(_registry.Host, _registry.Host + "/cache", MirrorPulls.All));
        await _registry.PushBusyboxAsync("cache/test/mirrored:1", marker: "from the cache\n");
        await _registry.PushBusyboxAsync("test/mirrored:1", marker: "from the origin\n");

        // The first mirror refuses connections, the second has no such image, the third has it.
        ResolvedImage image = await store.FetchAsync($"{_registry.Host}/test/mirrored:1");
        Assert.Equal(await DigestOf($"{_registry.Host}/cache/test/mirrored:1"), image.ManifestDigest);

        // No mirror has this one: the origin serves it.
        await _registry.PushBusyboxAsync("test/origin-only:1", marker: "only at the origin\n");
        ResolvedImage fromOrigin = await store.FetchAsync($"{_registry.Host}/test/origin-only:1");
        Assert.Equal(await DigestOf($"{_registry.Host}/test/origin-only:1"), fromOrigin.ManifestDigest);
    }

    [Fact]
    public async Task WhenEverySourceFailsTheErrorIsTheOriginsAndSaysWhatEachMirrorAnswered()
    {
        ImageStore store = Store(new RegistryMirror(_down, _registry.Host + "/elsewhere", MirrorPulls.All));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => store.FetchAsync($"{_down}/test/busybox:1"));

        Assert.True(e is PodUnits.Images.Registry.RegistryUnreachableException, e.ToString());
        Assert.StartsWith($"image {_down}/test/busybox:1: cannot reach registry {_down}: connection refused (mirrors tried first: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"(mirrors tried first: {_registry.Host}/elsewhere/test/busybox: not found in the registry (404", e.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task ADigestOnlyMirrorServesPullsByDigestAndNoTag()
    {
        string digest = await DigestOf($"{_registry.Host}/test/busybox:1");
        ImageStore store = Store(new RegistryMirror(_down, _registry.Host, MirrorPulls.DigestOnly));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => store.FetchAsync($"{_down}/test/busybox:1"));
        Assert.DoesNotContain("mirrors tried first", e.Message, StringComparison.Ordinal);

        ResolvedImage image = await store.FetchAsync($"{_down}/test/busybox@{digest}");
        Assert.Equal(digest, image.ManifestDigest);
    }
}

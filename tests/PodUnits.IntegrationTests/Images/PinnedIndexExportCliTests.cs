using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PodUnits.Images.Oci;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// Images review of 2026-12-07, finding 3: an image pinned by its multi-platform index's
/// digest, as pods pin them, carried to an offline host with `image export` and `image
/// import`. A real registry (distribution) serves an index of this host's image and another
/// platform's; the CLI fetches by the index's digest, exports, and a second store imports
/// and finds the pin without a registry. skopeo reads the archive for this platform.
/// </summary>
[Collection(HostWideGc.Name)]
public sealed class PinnedIndexExportCliTests : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly RegistryFixture _registry;
    private readonly string _storeRoot = $"/var/lib/podunits/test-{Guid.NewGuid():N}";
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-pinned-index-").FullName;

    public PinnedIndexExportCliTests(RegistryFixture registry) => _registry = registry;

    public void Dispose()
    {
        foreach (string root in new[] { _storeRoot, _storeRoot + "-offline" })
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Pushes two images and an index of them (this host's platform and s390x, or
    /// ppc64le on s390x) to test/pinned; returns the index's and this platform's digests.</summary>
    private async Task<(string Index, string Manifest)> PushIndexAsync()
    {
        await _registry.PushBusyboxAsync("test/pinned:here", marker: "pinned here\n");
        await _registry.PushBusyboxAsync("test/pinned:other", marker: "pinned elsewhere\n");
        using var http = new HttpClient();
        async Task<(string Digest, int Size)> ManifestOf(string tag)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{_registry.Host}/v2/test/pinned/manifests/{tag}");
            request.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
            using HttpResponseMessage response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            return ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(body)), body.Length);
        }
        (string here, int hereSize) = await ManifestOf("here");
        (string other, int otherSize) = await ManifestOf("other");
        string otherArch = ManifestKind.HostArchitecture() == "s390x" ? "ppc64le" : "s390x";
        byte[] index = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{other}\",\"size\":{otherSize},\"platform\":{{\"os\":\"linux\",\"architecture\":\"{otherArch}\"}}}},"
            + $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{here}\",\"size\":{hereSize},\"platform\":{{\"os\":\"linux\",\"architecture\":\"{ManifestKind.HostArchitecture()}\"}}}}]}}");
        using var content = new ByteArrayContent(index);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciIndex);
        using HttpResponseMessage put = await http.PutAsync($"http://{_registry.Host}/v2/test/pinned/manifests/multi", content);
        Assert.True(put.IsSuccessStatusCode, $"{put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        return ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(index)), here);
    }

    [Fact]
    public async Task AnImagePinnedByItsIndexDigestGoesToAnOfflineStoreAndIsFoundByThatPin()
    {
        (string index, string manifest) = await PushIndexAsync();
        string pinned = $"{_registry.Host}/test/pinned@{index}";
        string config = _dir + "/registries.yaml";
        File.WriteAllText(config, $"insecure: [\"{_registry.Host}\"]\n");

        (int code, string stdout, string stderr) = await Cli(_storeRoot, config, "image", "fetch", pinned);
        Assert.True(code == 0, stderr);
        Assert.Contains($"{pinned} {manifest}", stdout, StringComparison.Ordinal);
        (code, _, stderr) = await Cli(_storeRoot, config, "gc");
        Assert.True(code == 0, stderr);

        string archive = _dir + "/pinned.tar";
        (code, _, stderr) = await Cli(_storeRoot, config, "image", "export", pinned, archive);
        Assert.True(code == 0, stderr);

        // The offline host: no registry listed as insecure, so none can answer over plain HTTP.
        string offline = _dir + "/offline.yaml";
        File.WriteAllText(offline, "");
        (code, stdout, stderr) = await Cli(_storeRoot + "-offline", offline, "image", "import", archive);
        Assert.True(code == 0, stderr);
        Assert.Contains($"{pinned} {manifest}", stdout, StringComparison.Ordinal);
        ResolvedImage found = await ImageStore.Open(_storeRoot + "-offline", new RegistrySettings()).ResolveAsync(pinned, PullPolicy.Never);
        Assert.Equal(manifest, found.ManifestDigest);
        Assert.Equal("pinned here\n", File.ReadAllText(found.LayerDirs[1] + "/etc/hello"));

        // skopeo copies this platform's image out of the archive; the other platform's
        // manifest is absent (docs: `skopeo copy --all` of such an archive fails).
        (code, _, stderr) = await Run("skopeo", "copy", "--quiet", $"oci-archive:{archive}", $"oci:{_dir}/copied:1");
        Assert.True(code == 0, stderr);
        (code, _, _) = await Run("skopeo", "copy", "--quiet", "--all", $"oci-archive:{archive}", $"oci:{_dir}/all:1");
        Assert.NotEqual(0, code);
    }

    /// <summary>The store of <paramref name="root"/>, registries.yaml <paramref name="config"/>.</summary>
    private static Task<(int, string, string)> Cli(string root, string config, params string[] args) =>
        RunWith("/usr/bin/podunits", args, ("PODUNITS_STORE_ROOT", root), ("PODUNITS_REGISTRIES_CONFIG", config));

    private static Task<(int, string, string)> Run(string file, params string[] args) => RunWith(file, args);

    private static async Task<(int, string, string)> RunWith(string file, string[] args, params (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string name, string value) in environment) psi.Environment[name] = value;
        using Process p = Process.Start(psi)!;
        Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await o, await e);
    }
}

using System.Formats.Tar;
using System.Net;
using System.Text;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>
/// Images review of 2026-12-07, finding 3: an image pinned by its multi-platform index's
/// digest (REPO@sha256:INDEX) was exported with only its platform manifest, under the name
/// pinning INDEX, and `image import` refused the archive; imported under another name, the
/// pinned reference still did not find it offline. The pull now keeps the index, gc keeps it
/// while a reference pins it, export writes it, and import checks the name against it.
/// </summary>
public sealed class PinnedIndexExportTests : IDisposable
{
    private const string Repository = "reg.example/team/app";
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-pinned-index-").FullName;
    private readonly string _manifest;
    private readonly string _index;

    public PinnedIndexExportTests()
    {
        byte[] tar = new LayerBuilder().Dir("bin").File("bin/tool", "v1", (UnixFileMode)0x1ed).Tar();
        _manifest = OciLayoutBuilder.Write(_dir + "/layout", [tar], [LayerBuilder.Gzip(tar)], "application/vnd.oci.image.layer.v1.tar+gzip");
        // This host's manifest, another platform's (never served, and absent from exports)
        // and an attestation manifest, as BuildKit pushes them.
        _index = Put(_dir + "/layout", IndexOf(
            (_manifest, ManifestKind.HostArchitecture()),
            ("sha256:" + new string('1', 64), OtherArchitecture),
            ("sha256:" + new string('2', 64), "unknown")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string OtherArchitecture => ManifestKind.HostArchitecture() == "s390x" ? "ppc64le" : "s390x";

    /// <summary>An index of <paramref name="entries"/>; an entry's size is its blob's in the
    /// layout, as a pull and an import check it (500 for one the layout lacks).</summary>
    private byte[] IndexOf(params (string Digest, string Architecture)[] entries) => Encoding.UTF8.GetBytes(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + string.Join(",", entries.Select(e => $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{e.Digest}\",\"size\":{SizeOf(e.Digest)},"
            + $"\"platform\":{{\"os\":\"{(e.Architecture == "unknown" ? "unknown" : "linux")}\",\"architecture\":\"{e.Architecture}\"}}}}"))
        + "]}");

    private long SizeOf(string digest) =>
        File.Exists($"{_dir}/layout/blobs/sha256/{Digests.Hex(digest)}") ? new FileInfo($"{_dir}/layout/blobs/sha256/{Digests.Hex(digest)}").Length : 500;

    private static string Put(string layout, byte[] blob)
    {
        File.WriteAllBytes($"{layout}/blobs/sha256/{OciLayoutBuilder.Hex(blob)}", blob);
        return "sha256:" + OciLayoutBuilder.Hex(blob);
    }

    /// <summary>Serves the layout's blobs by digest, with no Content-Type: the body says
    /// whether it is an index.</summary>
    private sealed class Registry(string layoutDir) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string url = request.RequestUri!.ToString();
            string last = url[(url.LastIndexOf('/') + 1)..];
            string path = $"{layoutDir}/blobs/sha256/{(last.StartsWith("sha256:", StringComparison.Ordinal) ? last[7..] : "none")}";
            return Task.FromResult(File.Exists(path)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(File.ReadAllBytes(path)) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }

    private ImageStore Store(string name) => ImageStore.Open($"{_dir}/{name}", new RegistrySettings());

    private async Task<ImageStore> FetchedAsync()
    {
        ImageStore store = Store("store");
        store.HttpHandler = new Registry(_dir + "/layout");
        ResolvedImage image = await store.FetchAsync($"{Repository}@{_index}");
        Assert.Equal(_manifest, image.ManifestDigest);
        return store;
    }

    private async Task<string> ExportAsync(ImageStore store, string reference, string file)
    {
        string archive = $"{_dir}/{file}";
        await using var output = File.Create(archive);
        await store.ExportAsync(reference, output);
        return archive;
    }

    private static async Task<Dictionary<string, byte[]>> MembersAsync(string archive)
    {
        var members = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var input = File.OpenRead(archive);
        using var reader = new TarReader(input);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            using var data = new MemoryStream();
            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(data);
            members[entry.Name] = data.ToArray();
        }
        return members;
    }

    [Fact]
    public async Task AnImagePinnedByItsIndexIsExportedWithTheIndexAndFoundByThatPinAfterAnImport()
    {
        ImageStore store = await FetchedAsync();
        Assert.True(store.Blobs.Has(_index)); // the pull kept the index

        string archive = await ExportAsync(store, $"{Repository}@{_index}", "app.tar");

        Dictionary<string, byte[]> members = await MembersAsync(archive);
        ImageIndex top = JsonSerializer.Deserialize(members["index.json"], OciJsonContext.Default.ImageIndex)!;
        Descriptor entry = Assert.Single(top.Manifests);
        Assert.Equal((MediaTypes.OciIndex, _index), (entry.MediaType, entry.Digest));
        Assert.Equal($"{Repository}@{_index}", entry.Annotations![ImageStore.RefNameAnnotation]);
        Assert.Contains("blobs/sha256/" + Digests.Hex(_index), members.Keys);
        Assert.Contains("blobs/sha256/" + Digests.Hex(_manifest), members.Keys);
        Assert.DoesNotContain("blobs/sha256/" + new string('1', 64), members.Keys); // another platform's: absent, as the layout allows

        ImageStore other = Store("other");
        ResolvedImage back = Assert.Single(await other.ImportAsync(archive));
        Assert.Equal((_manifest, $"{Repository}@{_index}"), (back.ManifestDigest, back.Reference));
        // What a pod pinned to the index finds, with no registry to ask.
        Assert.Equal(_manifest, other.LocalDigest($"{Repository}@{_index}"));
        Assert.Equal("v1", File.ReadAllText(back.LayerDirs[0] + "/bin/tool"));

        // list and inspect still show the platform manifest, under the pinning name.
        ImageSummary row = Assert.Single(other.List());
        Assert.Equal(($"{Repository}@{_index}", _manifest), (row.Reference, row.ManifestDigest));
        ImageDetails details = other.Inspect($"{Repository}@{_index}");
        Assert.Equal((_manifest, MediaTypes.OciManifest), (details.ManifestDigest, details.ManifestMediaType));
        Assert.Equal([$"{Repository}@{_index}"], details.References);

        // The import kept the index too: the offline host exports it again.
        string again = await ExportAsync(other, $"{Repository}@{_index}", "again.tar");
        Assert.Equal(members["blobs/sha256/" + Digests.Hex(_index)], (await MembersAsync(again))["blobs/sha256/" + Digests.Hex(_index)]);
    }

    [Fact]
    public async Task GcKeepsTheIndexWhileAReferencePinsIt()
    {
        ImageStore store = await FetchedAsync();
        store.CollectGarbage();
        Assert.True(store.Blobs.Has(_index));

        store.Tag($"{Repository}:1", _manifest);
        store.Remove($"{Repository}@{_index}");

        Assert.False(store.Blobs.Has(_index));
        Assert.True(store.Blobs.Has(_manifest)); // the tag keeps the image
    }

    /// <summary>An image pulled before pulls kept indexes: an archive named by the index's
    /// digest could not be imported, so the export says what to do instead.</summary>
    [Fact]
    public async Task AnIndexTheStoreDoesNotHoldRefusesTheExportNamingTheWaysOut()
    {
        ImageStore store = await FetchedAsync();
        File.Delete(store.Blobs.PathOf(_index));

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.ExportAsync($"{Repository}@{_index}", Stream.Null));

        Assert.Equal($"image export {Repository}@{_index}: the index {_index} the name pins is not in the image store (fetched before indexes were kept), "
            + $"and without it 'image import' cannot check the name; fetch it again ('podunits image fetch {Repository}@{_index}'), "
            + $"or export it by a tag or by its manifest digest ({Repository}@{_manifest})", e.Message);
        // By its manifest digest it goes, and imports under that name.
        string archive = await ExportAsync(store, $"{Repository}@{_manifest}", "by-manifest.tar");
        Assert.Equal(_manifest, Assert.Single(await Store("other").ImportAsync(archive)).ManifestDigest);
    }

    /// <summary>A nested index whose manifest for this host the layout lacks, while it holds
    /// another platform's: said as such, not as a file missing or "no image".</summary>
    [Fact]
    public async Task AnIndexWhoseManifestForThisHostIsAbsentIsSaidAsSuch()
    {
        string layout = _dir + "/layout";
        string absent = "sha256:" + new string('3', 64);
        byte[] nested = IndexOf((absent, ManifestKind.HostArchitecture()), (_manifest, OtherArchitecture));
        string nestedDigest = Put(layout, nested);
        File.WriteAllText(layout + "/index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + $"\"digest\":\"{nestedDigest}\",\"size\":{nested.Length},\"annotations\":{{\"{ImageStore.RefNameAnnotation}\":\"{Repository}:1\"}}}}]}}");

        var e = await Assert.ThrowsAsync<BadInputException>(() => Store("other").ImportAsync(layout));

        Assert.Equal($"import {layout}: blobs/sha256/{Digests.Hex(nestedDigest)} names manifest {absent} for linux/{ManifestKind.HostArchitecture()}, which the image does not hold", e.Message);
    }

    /// <summary>Review of the merged changes of 2026-12-07, finding 4: with this host's
    /// manifest absent, a present entry that matches worse (one without a platform, which a
    /// pull takes only when nothing names this host) was chosen, and a name pinning the index
    /// would have meant another manifest than a pull of that index gives here.</summary>
    [Fact]
    public async Task AWorseMatchPresentDoesNotStandInForThisHostsAbsentManifest()
    {
        string layout = _dir + "/layout";
        string absent = "sha256:" + new string('4', 64);
        byte[] nested = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{absent}\",\"size\":500,\"platform\":{{\"os\":\"linux\",\"architecture\":\"{ManifestKind.HostArchitecture()}\"}}}},"
            + $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{_manifest}\",\"size\":{SizeOf(_manifest)}}}]}}");
        string nestedDigest = Put(layout, nested);
        File.WriteAllText(layout + "/index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + $"\"digest\":\"{nestedDigest}\",\"size\":{nested.Length},\"annotations\":{{\"{ImageStore.RefNameAnnotation}\":\"{Repository}@{nestedDigest}\"}}}}]}}");

        var e = await Assert.ThrowsAsync<BadInputException>(() => Store("other").ImportAsync(layout));

        Assert.Equal($"import {layout}: blobs/sha256/{Digests.Hex(nestedDigest)} names manifest {absent} for linux/{ManifestKind.HostArchitecture()}, which the image does not hold", e.Message);
    }
}

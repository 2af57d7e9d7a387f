using System.Net;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>A mirror that answers a manifest request with something that is no manifest.</summary>
public sealed class MirrorAnswerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-mirror-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Serves the layout as reg.example; answers every request to mirror.example with
    /// a web page and 200, as a misconfigured Nexus path does.</summary>
    private sealed class Registry(string layoutDir, string manifestDigest, string mirrorBody) : HttpMessageHandler
    {
        public List<string> Log { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string url = request.RequestUri!.ToString();
            lock (Log) Log.Add(url);
            if (request.RequestUri.Host == "mirror.example")
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent(mirrorBody, System.Text.Encoding.UTF8, "text/html"),
                });
            }
            return Task.FromResult(LayoutAnswers.For(url, layoutDir, manifestDigest));
        }
    }

    /// <summary>Review of 2026-12-05: the web page won the pull (200), and its JSON parse ended
    /// it with "internal error", the origin never tried.</summary>
    [Theory]
    [InlineData("<html><body>Nexus Repository Manager</body></html>")]
    [InlineData("{}")] // JSON, but no manifest: its types would default the missing parts to empty
    [InlineData("{\"schemaVersion\":2,\"config\":{}}")]
    // Review of 2026-12-06: the right shape with a field of the wrong type, or a null entry,
    // passed the check and ended the pull as an internal error.
    [InlineData("{\"schemaVersion\":2,\"config\":{\"size\":\"1469\"},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"config\":{},\"layers\":[null]}")]
    public async Task AMirrorServingAWebPageIsPassedOverForTheNextSource(string mirrorBody)
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string manifest = OciLayoutBuilder.Write(_dir + "/layout", [tar], [LayerBuilder.Gzip(tar)], "application/vnd.oci.image.layer.v1.tar+gzip");
        var registry = new Registry(_dir + "/layout", manifest, mirrorBody);
        var settings = RegistrySettings.Parse("mirrors:\n  reg.example: [mirror.example/hub]\n", "registries.yaml");
        var store = ImageStore.Open(_dir + "/store", settings);
        store.HttpHandler = registry;

        ResolvedImage image = await store.FetchAsync("reg.example/team/app:1");

        Assert.Equal("world", File.ReadAllText(image.LayerDirs[0] + "/hello"));
        Assert.Contains(registry.Log, l => l.StartsWith("https://mirror.example/v2/hub/team/app/manifests/1", StringComparison.Ordinal));
        Assert.DoesNotContain(registry.Log, l => l.StartsWith("https://mirror.example/", StringComparison.Ordinal) && l.Contains("/blobs/", StringComparison.Ordinal));
    }
}

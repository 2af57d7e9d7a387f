using System.Net;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>The token dance of a registry (401 Bearer challenge, token from the realm with
/// basic credentials from the auth file), played by an in-memory registry: pure HTTP logic.</summary>
public sealed class RegistryAuthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-auth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <param name="storageChallenges">Blobs are "redirected" to a storage host that answers
    /// 401 with a token realm of its own (the handler rewrites RequestUri, as SocketsHttpHandler
    /// does when it follows a redirect).</param>
    /// <param name="realm">The token realm its challenge names.</param>
    private sealed class FakeRegistry(string layoutDir, string manifestDigest, bool storageChallenges = false, string realm = "https://auth.example/token") : HttpMessageHandler
    {
        public List<string> Log { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string url = request.RequestUri!.ToString();
            string auth = request.Headers.Authorization?.ToString() ?? "-";
            lock (Log) Log.Add($"{url} {auth}");
            if (url.StartsWith("https://auth.example/token", StringComparison.Ordinal))
            {
                bool good = auth == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("me:pw"));
                return Task.FromResult(good
                    ? Json("{\"token\":\"T0K\"}")
                    : new HttpResponseMessage(HttpStatusCode.Unauthorized));
            }
            if (auth != "Bearer T0K")
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate",
                    $"Bearer realm=\"{realm}\",service=\"reg.example\",scope=\"repository:team/app:pull\"");
                return Task.FromResult(challenge);
            }
            if (storageChallenges && url.Contains("/blobs/", StringComparison.Ordinal))
            {
                request.RequestUri = new Uri("https://storage.example/bucket/blob");
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request };
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer realm=\"https://collector.example/token\",service=\"x\"");
                return Task.FromResult(challenge);
            }
            return Task.FromResult(LayoutAnswers.For(url, layoutDir, manifestDigest));
        }

        private static HttpResponseMessage Json(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body) };
    }

    private (ImageStore Store, FakeRegistry Registry) Setup(string user, string password, bool storageChallenges = false, string realm = "https://auth.example/token")
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string manifest = OciLayoutBuilder.Write(_dir + "/layout", [tar], [LayerBuilder.Gzip(tar)], "application/vnd.oci.image.layer.v1.tar+gzip");
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
        File.WriteAllText(_dir + "/auth.json", "{\"auths\":{\"reg.example\":{\"auth\":\"" + basic + "\"}}}");
        var registry = new FakeRegistry(_dir + "/layout", manifest, storageChallenges, realm);
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings(authFile: _dir + "/auth.json"));
        store.HttpHandler = registry;
        return (store, registry);
    }

    [Fact]
    public async Task FetchesATokenWithTheAuthFileCredentialsAndUsesIt()
    {
        (ImageStore store, FakeRegistry registry) = Setup("me", "pw");

        ResolvedImage image = await store.FetchAsync("reg.example/team/app:1");

        Assert.Equal("world", File.ReadAllText(image.LayerDirs[0] + "/hello"));
        Assert.Contains(registry.Log, l => l.StartsWith("https://auth.example/token?service=reg.example&scope=repository%3Ateam%2Fapp%3Apull Basic ", StringComparison.Ordinal));
        Assert.Equal(1, registry.Log.Count(l => l.StartsWith("https://auth.example/token", StringComparison.Ordinal))); // token reused
        Assert.All(registry.Log.Where(l => l.Contains("/blobs/", StringComparison.Ordinal)), l => Assert.EndsWith("Bearer T0K", l));
    }

    [Fact]
    public async Task WrongCredentialsAreOneClearError()
    {
        (ImageStore store, _) = Setup("me", "wrong");

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync("reg.example/team/app:1"));

        Assert.Equal("registry reg.example: authentication for team/app failed: token service auth.example answered 401 Unauthorized", e.Message);
    }

    /// <summary>Review of 2026-12-05: a 401 from the storage host a blob was redirected to was
    /// taken for the registry's challenge, and the registry's password went to the token realm
    /// that host named.</summary>
    [Fact]
    public async Task AChallengeFromARedirectsTargetGetsNoCredentials()
    {
        (ImageStore store, FakeRegistry registry) = Setup("me", "pw", storageChallenges: true);

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync("reg.example/team/app:1"));

        Assert.DoesNotContain(registry.Log, l => l.Contains("collector.example", StringComparison.Ordinal));
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Images review of 2026-12-06, finding 6: an empty or relative realm threw
    /// UriFormatException out of `new Uri`, an internal error naming no registry.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("token")]
    [InlineData("ftp://auth.example/token")]
    public async Task ATokenRealmThatIsNoHttpUrlIsTheRegistrysErrorNamed(string realm)
    {
        (ImageStore store, _) = Setup("me", "pw", realm: realm);

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync("reg.example/team/app:1"));

        Assert.Equal($"registry reg.example: authentication for team/app failed: token realm '{realm}' is not an absolute http(s) URL", e.Message);
    }
}

using System.Text;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Images.Registry;

namespace PodUnits.UnitTests.Images;

public sealed class ManifestAndRegistryTests
{
    private const string Index = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1,"platform":{"architecture":"arm","os":"linux","variant":"v7"}},
          {"digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":1,"platform":{"architecture":"amd64","os":"windows"}},
          {"digest":"sha256:3333333333333333333333333333333333333333333333333333333333333333","size":1,"platform":{"architecture":"amd64","os":"linux"}},
          {"digest":"sha256:4444444444444444444444444444444444444444444444444444444444444444","size":1,"platform":{"architecture":"unknown","os":"unknown"}},
          {"digest":"sha256:5555555555555555555555555555555555555555555555555555555555555555","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}
        ]}
        """;

    [Theory]
    [InlineData("amd64", "sha256:3333333333333333333333333333333333333333333333333333333333333333")]
    [InlineData("arm64", "sha256:5555555555555555555555555555555555555555555555555555555555555555")]
    [InlineData("s390x", null)]
    public void IndexSelectsTheLinuxManifestOfTheArchitecture(string arch, string? expected)
    {
        ImageIndex index = JsonSerializer.Deserialize(Index, OciJsonContext.Default.ImageIndex)!;
        Assert.Equal(expected, ManifestKind.SelectPlatform(index, arch)?.Digest);
    }

    /// <summary>Review of 2026-12-05: the first linux/amd64 entry won, a v3 build (AVX2) too,
    /// which dies of SIGILL on an older CPU; 32-bit arm took the first variant (v5 before v7).</summary>
    [Theory]
    [InlineData("amd64", "amd64/v3 amd64 arm64", 1)]
    [InlineData("amd64", "amd64/v3 amd64/v2", null)]
    [InlineData("amd64", "amd64/v1 amd64", 0)]
    [InlineData("arm64", "arm64/v9 arm64/v8 arm64", 1)]
    [InlineData("arm", "arm/v5 arm/v6 arm/v7 arm64", 2)]
    [InlineData("arm", "arm/v5 arm/v6", 1)]
    [InlineData("arm", "arm/v8", null)]
    [InlineData("s390x", "s390x", 0)]
    public void TheVariantDecidesAsContainerdsDefaultMatcherDoes(string host, string platforms, int? expected)
    {
        string[] entries = platforms.Split(' ');
        string Digest(int i) => "sha256:" + new string((char)('a' + i), 64);
        string json = "{\"schemaVersion\":2,\"manifests\":[" + string.Join(',', entries.Select((p, i) =>
        {
            string[] parts = p.Split('/');
            string variant = parts.Length > 1 ? $",\"variant\":\"{parts[1]}\"" : "";
            return $"{{\"digest\":\"{Digest(i)}\",\"size\":1,\"platform\":{{\"architecture\":\"{parts[0]}\",\"os\":\"linux\"{variant}}}}}";
        })) + "]}";
        ImageIndex index = JsonSerializer.Deserialize(json, OciJsonContext.Default.ImageIndex)!;
        Assert.Equal(expected is int i ? Digest(i) : null, ManifestKind.SelectPlatform(index, host)?.Digest);
    }

    /// <summary>Review of 2026-12-06: a pull refused an index whose entry names no platform,
    /// which `image import`, containerd and containers/image take.</summary>
    [Theory]
    [InlineData("""[{"digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1}]""", "a")]
    [InlineData("""[{"digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1},{"digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":1,"platform":{"architecture":"amd64","os":"linux"}}]""", "b")]
    [InlineData("""[{"digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":1,"platform":{"architecture":"arm64","os":"linux"}},{"digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1}]""", "a")]
    public void AnEntryWithoutAPlatformIsTakenWhenNoneNamesThisOne(string manifests, string expected)
    {
        ImageIndex index = JsonSerializer.Deserialize("{\"schemaVersion\":2,\"manifests\":" + manifests + "}", OciJsonContext.Default.ImageIndex)!;
        Assert.Equal("sha256:" + new string(expected[0], 64), ManifestKind.SelectPlatform(index, "amd64")?.Digest);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", null, true)]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json"}""", null, true)]
    [InlineData("""{"schemaVersion":2,"config":{},"layers":[]}""", null, false)]
    [InlineData("""{"schemaVersion":2}""", "application/vnd.oci.image.index.v1+json", true)]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", "application/json", true)]
    [InlineData("""{"schemaVersion":2,"config":{},"layers":[]}""", "application/vnd.docker.distribution.manifest.v2+json", false)]
    [InlineData("""{"schemaVersion":2,"manifests":null,"config":{}}""", null, false)] // null is absent, as for the deserializer
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","mediaType":"application/vnd.oci.image.manifest.v1+json"}""", null, false)]
    [InlineData("""not json""", null, false)]
    public void TellsIndexesFromManifests(string json, string? contentType, bool isIndex) =>
        Assert.Equal(isIndex, ManifestKind.IsIndex(Encoding.UTF8.GetBytes(json), contentType, "manifest of x/y:1"));

    [Theory]
    [InlineData("""{"schemaVersion":2,"manifests":[],"layers":[]}""", null, "has both 'manifests' (an index) and 'config' or 'layers' (a manifest); refused as ambiguous")]
    [InlineData("""{"schemaVersion":2,"config":{},"manifests":[]}""", "application/vnd.oci.image.index.v1+json", "has both 'manifests' (an index) and 'config' or 'layers' (a manifest); refused as ambiguous")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{}}""", null,
        "says mediaType application/vnd.oci.image.index.v1+json but has the fields of a manifest; refused")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","manifests":[]}""", null,
        "says mediaType application/vnd.docker.distribution.manifest.v2+json but has the fields of an index; refused")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}""", "application/vnd.oci.image.index.v1+json",
        "is a manifest but the registry sent it as application/vnd.oci.image.index.v1+json; refused")]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", "application/vnd.docker.distribution.manifest.v2+json",
        "is an index but the registry sent it as application/vnd.docker.distribution.manifest.v2+json; refused")]
    public void RefusesDocumentsThatReadAsBothKinds(string json, string? contentType, string why)
    {
        var e = Assert.Throws<PodUnitsException>(() => ManifestKind.IsIndex(Encoding.UTF8.GetBytes(json), contentType, "manifest of x/y:1"));
        Assert.Equal("manifest of x/y:1: " + why, e.Message);
    }

    /// <summary>Images review of 2026-12-07, finding 5: a checked sum of a stored manifest's
    /// sizes overflowed, and every start naming the image was an internal error.</summary>
    [Fact]
    public void AnImagesTotalSizeSaturatesInsteadOfOverflowing()
    {
        var manifest = new ImageManifest { Config = new Descriptor { Size = 100 } };
        manifest.Layers.Add(new Descriptor { Size = 1234 });
        Assert.Equal(1334, manifest.TotalSize());
        manifest.Layers.Add(new Descriptor { Size = long.MaxValue });
        Assert.Equal(long.MaxValue, manifest.TotalSize());
    }

    [Fact]
    public void HostIsAmd64OnX8664() =>
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "amd64" : ManifestKind.HostArchitecture(),
            ManifestKind.HostArchitecture());

    [Fact]
    public void ParsesBearerChallenges()
    {
        AuthChallenge c = AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"")!;
        Assert.Equal("Bearer", c.Scheme);
        Assert.Equal("https://auth.docker.io/token", c.Parameters["realm"]);
        Assert.Equal("registry.docker.io", c.Parameters["service"]);
        Assert.Equal("repository:library/busybox:pull", c.Parameters["scope"]);
        Assert.Equal("x", AuthChallenge.Parse("Basic realm=x")!.Parameters["realm"]);
        Assert.Null(AuthChallenge.Parse(""));
    }

    [Fact]
    public void ReadsRegistriesYamlAndAuthFile()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-reg-").FullName;
        try
        {
            File.WriteAllText(dir + "/auth.json", "{\"auths\":{\"reg.example:5000\":{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("me:s:ecret")) + "\"}}}");
            RegistrySettings s = RegistrySettings.Parse($"insecure: [\"127.0.0.1:5000\"]\nauthFile: {dir}/auth.json\n", "test.yaml");
            Assert.True(s.IsInsecure("127.0.0.1:5000"));
            Assert.False(s.IsInsecure("127.0.0.1:5001"));
            Assert.Equal(("me", "s:ecret"), s.CredentialsFor("reg.example:5000"));
            Assert.Null(s.CredentialsFor("other.example"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Review of 2026-12-05: keys with a namespace (`podman login quay.io/team-b`)
    /// counted for the whole host, the first listed winning, so team-b's pull got team-a's
    /// robot. The longest key that is the repository or a path prefix of it wins.</summary>
    [Fact]
    public void AnAuthFileKeyWithANamespaceCountsForThatNamespace()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-reg-").FullName;
        try
        {
            static string Auth(string user) => "{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":pw")) + "\"}";
            File.WriteAllText(dir + "/auth.json", "{\"auths\":{"
                + $"\"quay.io/team-a\":{Auth("robot-a")},\"quay.io/team-b\":{Auth("robot-b")},\"quay.io\":{Auth("anyone")},"
                + $"\"quay.io/team-b/app\":{Auth("robot-app")},\"https://index.docker.io/v1/\":{Auth("hub")},\"bad.example\":{{\"auth\":\"not base64!\"}}}}}}");
            RegistrySettings s = RegistrySettings.Parse($"authFile: {dir}/auth.json\n", "test.yaml");
            Assert.Equal(("robot-b", "pw"), s.CredentialsFor("quay.io", "team-b/web"));
            Assert.Equal(("robot-app", "pw"), s.CredentialsFor("quay.io", "team-b/app"));
            Assert.Equal(("robot-a", "pw"), s.CredentialsFor("quay.io", "team-a/app"));
            Assert.Equal(("anyone", "pw"), s.CredentialsFor("quay.io", "team-ab/app")); // a path prefix is whole components
            Assert.Equal(("anyone", "pw"), s.CredentialsFor("quay.io"));
            Assert.Equal(("hub", "pw"), s.CredentialsFor("registry-1.docker.io", "library/nginx"));
            var e = Assert.Throws<BadInputException>(() => s.CredentialsFor("bad.example", "x/y"));
            Assert.Equal($"auth file {dir}/auth.json: the \"auth\" of bad.example is not base64 (of user:password)", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void RegistriesYamlTyposNameTheLine()
    {
        var e = Assert.Throws<BadInputException>(() => RegistrySettings.Parse("insecure: []\ninsecur: [x]\n", "r.yaml"));
        Assert.Contains("r.yaml:2:1", e.Message);
        Assert.Contains("insecur", e.Message);
        Assert.Empty(RegistrySettings.Parse("", "empty.yaml").Insecure);
    }
}

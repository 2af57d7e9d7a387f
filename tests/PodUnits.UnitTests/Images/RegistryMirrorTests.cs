using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Images.Registry;

namespace PodUnits.UnitTests.Images;

/// <summary>registries.yaml's mirrors: which sources a pull tries, in which order, under
/// which names; and the file's mistakes named at their line.</summary>
public sealed class RegistryMirrorTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly RegistrySettings Settings = RegistrySettings.Parse("""
        insecure: ["cache.example:5000"]
        mirrors:
          docker.io:
            - cache.example:5000
            - location: mirror.example/hub
              pullFrom: digest-only
          docker.io/library/redis:
            - redis-cache.example/cache/redis
          index.docker.io/team:
            - location: team-cache.example/t
              pullFrom: tag-only
          quay.io: [localhost:5001/quay]
        """, "registries.yaml");

    private static List<string> Sources(string image) => [.. Settings.SourcesFor(ImageReference.Parse(image)).Select(r => r.ToString())];

    [Fact]
    public void ATagPullTriesTheMirrorsThatServeTagsInOrderThenTheOrigin()
    {
        Assert.Equal(["cache.example:5000/library/nginx:1.29", "docker.io/library/nginx:1.29"], Sources("nginx:1.29"));
    }

    [Fact]
    public void ADigestPullAlsoTriesTheDigestOnlyMirrorKeepingThePathUnderThePrefix()
    {
        Assert.Equal([$"cache.example:5000/library/nginx@{Digest}", $"mirror.example/hub/library/nginx@{Digest}", $"docker.io/library/nginx@{Digest}"],
            Sources($"nginx@{Digest}"));
    }

    [Fact]
    public void OnlyTheLongestPrefixCountsAsInRegistriesConf()
    {
        // docker.io/library/redis is more specific than docker.io: docker.io's mirrors are not tried.
        Assert.Equal(["redis-cache.example/cache/redis:7", "docker.io/library/redis:7"], Sources("redis:7"));
        // docker.io's alias index.docker.io names the same registry; a tag-only mirror skips digests.
        Assert.Equal(["team-cache.example/t/app:latest", "docker.io/team/app:latest"], Sources("team/app"));
        Assert.Equal([$"docker.io/team/app@{Digest}"], Sources($"team/app@{Digest}"));
    }

    [Fact]
    public void APrefixCoversWholePathComponentsOnly()
    {
        Assert.Equal(["localhost:5001/quay/org/app:2", "quay.io/org/app:2"], Sources("quay.io/org/app:2"));
        Assert.Equal(["quay.io.example/org/app:2"], Sources("quay.io.example/org/app:2"));
        // docker.io/library/redis does not cover redis-stack: docker.io's mirrors serve it.
        Assert.Equal(["cache.example:5000/library/redis-stack:7", "docker.io/library/redis-stack:7"], Sources("redis-stack:7"));
        Assert.True(RegistryMirror.Covers("docker.io/library", "docker.io/library/nginx"));
        Assert.False(RegistryMirror.Covers("docker.io/lib", "docker.io/library/nginx"));
    }

    [Fact]
    public void WithoutMirrorsThereIsOneSourceTheImageItself()
    {
        Assert.Equal(["reg.example/app:1"], RegistrySettings.Parse("insecure: []", "r.yaml").SourcesFor(ImageReference.Parse("reg.example/app:1"))
            .Select(r => r.ToString()));
    }

    [Fact]
    public void AMirrorThatLeavesNoRepositoryNameFailsNamingIt()
    {
        RegistrySettings settings = RegistrySettings.Parse("mirrors:\n  reg.example/app: [cache.example]\n", "r.yaml");
        var e = Assert.Throws<PodUnitsException>(() => settings.SourcesFor(ImageReference.Parse("reg.example/app:1")));
        Assert.Equal("mirror cache.example of reg.example/app: turns reg.example/app:1 into 'cache.example', which is no repository name", e.Message);
    }

    [Theory]
    [InlineData("mirrors: [cache.example]", "r.yaml:1:10: mirrors must map an image name prefix")]
    [InlineData("mirrors:\n  docker.io: cache.example", "r.yaml:2:14: the mirrors of docker.io must be a list")]
    [InlineData("mirrors:\n  docker.io: []", "r.yaml:2:14: the mirrors of docker.io must be a list")]
    [InlineData("mirrors:\n  nginx: [cache.example]", "r.yaml:2:3: mirror prefix 'nginx' must be HOST[:PORT][/PATH]")]
    [InlineData("mirrors:\n  docker.io: [cache]", "r.yaml:2:15: mirror location 'cache' must be HOST[:PORT][/PATH]")]
    [InlineData("mirrors:\n  docker.io: [\"cache.example/Hub\"]", "r.yaml:2:15: mirror location 'cache.example/Hub'")]
    [InlineData("mirrors:\n  docker.io: [\"cache.example/hub:1\"]", "r.yaml:2:15: mirror location 'cache.example/hub:1'")]
    [InlineData("mirrors:\n  docker.io:\n    - location: cache.example\n      pullFrom: tags", "r.yaml:4:17: pullFrom must be all, digest-only or tag-only")]
    [InlineData("mirrors:\n  docker.io:\n    - locaton: cache.example", "r.yaml:3:7: unknown key 'locaton' of a mirror (known: location, pullFrom)")]
    [InlineData("mirrors:\n  docker.io:\n    - pullFrom: all", "r.yaml:3:7: this mirror has no location")]
    public void MistakesAreNamedAtTheirLine(string yaml, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => RegistrySettings.Parse(yaml, "r.yaml"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}

using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.UnitTests.Images;

public sealed class ImageReferenceTests
{
    private const string D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("busybox", "docker.io", "library/busybox", "latest", null)]
    [InlineData("busybox:1.36", "docker.io", "library/busybox", "1.36", null)]
    [InlineData("docker://busybox:1.36", "docker.io", "library/busybox", "1.36", null)]
    [InlineData("library/busybox", "docker.io", "library/busybox", "latest", null)]
    [InlineData("team/app", "docker.io", "team/app", "latest", null)]
    [InlineData("docker.io/team/app:v1", "docker.io", "team/app", "v1", null)]
    [InlineData("index.docker.io/team/app", "docker.io", "team/app", "latest", null)]
    [InlineData("localhost/x", "localhost", "x", "latest", null)]
    [InlineData("localhost:5000/x", "localhost:5000", "x", "latest", null)]
    [InlineData("127.0.0.1:5000/test/busybox:1", "127.0.0.1:5000", "test/busybox", "1", null)]
    [InlineData("registry.example:5000/team/app@" + D, "registry.example:5000", "team/app", null, D)]
    [InlineData("quay.io/a/b/c:tag@" + D, "quay.io", "a/b/c", "tag", D)]
    [InlineData("my-registry.local/a_b/c__d/e-f.g", "my-registry.local", "a_b/c__d/e-f.g", "latest", null)]
    public void ParsesLikeDocker(string text, string registry, string repository, string? tag, string? digest)
    {
        ImageReference r = ImageReference.Parse(text);
        Assert.Equal(new ImageReference(registry, repository, tag, digest), r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("BusyBox")]
    [InlineData("busybox:")]
    [InlineData("busybox:-bad")]
    [InlineData("a/../b")]
    [InlineData("../etc/passwd")]
    [InlineData("a//b")]
    [InlineData("/abs")]
    [InlineData("x@sha256:short")]
    [InlineData("x@md5:0123456789abcdef0123456789abcdef")]
    [InlineData("host:5000/a/./b")]
    [InlineData("bad_host:5000/x")]
    [InlineData("busybox\n")] // $ matches before a final newline; the patterns end with \z
    [InlineData("busybox:1\n")]
    [InlineData("x@" + D + "\n")]
    [InlineData("host:5000\n/x")]
    public void RefusesWhatIsNotAReference(string text)
    {
        var e = Assert.Throws<BadInputException>(() => ImageReference.Parse(text));
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public void ADigestWithATrailingNewlineIsNotADigest()
    {
        Assert.True(PodUnits.Images.Store.Digests.IsValid(D));
        Assert.False(PodUnits.Images.Store.Digests.IsValid(D + "\n"));
        Assert.Throws<PodUnitsException>(() => PodUnits.Images.Store.Digests.Hex(D + "\n"));
    }

    [Fact]
    public void ANameIsAtMost255CharactersAsDockersGrammarSays()
    {
        string atLimit = "localhost/" + new string('x', 245);
        Assert.True(ImageReference.TryParse(atLimit + ":1", out _, out _));
        Assert.False(ImageReference.TryParse(atLimit + "x:1", out _, out string? why));
        Assert.Equal("name is 256 characters long; at most 255", why);
    }

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("team/app:1", "docker.io/team/app:1", "team/app:1")]
    [InlineData("localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest")]
    public void PrintsNormalizedAndFamiliarForms(string text, string full, string familiar)
    {
        ImageReference r = ImageReference.Parse(text);
        Assert.Equal(full, r.ToString());
        Assert.Equal(familiar, r.ToFamiliarString());
        Assert.Equal(r, ImageReference.Parse(r.ToString()));
    }

    [Fact]
    public void DockerHubIsServedFromRegistry1()
    {
        Assert.Equal("registry-1.docker.io", ImageReference.Parse("busybox").ApiHost);
        Assert.Equal("localhost:5000", ImageReference.Parse("localhost:5000/x").ApiHost);
    }
}

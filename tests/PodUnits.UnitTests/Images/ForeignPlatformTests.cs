using PodUnits.Images.Store;

namespace PodUnits.UnitTests.Images;

/// <summary>Images review of 2026-12-07, finding 7: a single-platform image built for another
/// architecture was pulled and run without a word, and failed only at exec. Its config's
/// platform is compared with the host's, and a start warns (ContainerImages).</summary>
public sealed class ForeignPlatformTests
{
    [Theory]
    [InlineData("linux", "amd64", "amd64", null)]
    [InlineData("linux", "arm64", "amd64", "linux/arm64")]
    [InlineData("windows", "amd64", "amd64", "windows/amd64")]
    [InlineData(null, null, "amd64", null)] // a config that names none is taken as fitting
    [InlineData("", "s390x", "amd64", "?/s390x")]
    [InlineData("linux", "arm64\u001b[2J", "amd64", "linux/arm64\\x1b[2J")] // the image's text, escaped
    public void AConfigForAnotherPlatformIsNamed(string? os, string? architecture, string host, string? foreign) =>
        Assert.Equal(foreign, ImageStore.ForeignPlatformOf(os, architecture, host));
}

using PodUnits.Core.Errors;
using PodUnits.Images.Store;
using PodUnits.Runtime.Executor;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Merged-changes review of 2026-12-07, finding 1: a `run` that stage 1 refuses as
/// another build's releases what stage 0 took, finding the pod by its claim's path alone.</summary>
public sealed class RefusedHandOffTests
{
    [Theory]
    [InlineData("/run/podunits/state/web.lock", "web")]
    [InlineData("/run/podunits/state/a.lock", "a")]
    [InlineData("/run/podunits/state/web.lock (deleted)", null)] // unlinked since: the name may be another run's
    [InlineData("/run/podunits/state/.lock", null)]
    [InlineData("/run/podunits/state/../x.lock", null)]
    [InlineData("/run/podunits/state/a/b.lock", null)]
    [InlineData("/run/podunits/state/Web.lock", null)]
    [InlineData("/run/podunits/web.lock", null)]
    [InlineData("/run/podunits/state/web.starts", null)]
    [InlineData("/tmp/web.lock", null)]
    [InlineData("pipe:[1234]", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void OnlyAClaimOnAValidNameNamesAPod(string? linkTarget, string? pod) => Assert.Equal(pod, RefusedHandOff.PodOfClaim(linkTarget));

    /// <summary>Stage 1 does not link the image store: its path for the pin must stay the store's.</summary>
    [Fact]
    public void ThePinIsTheOneTheStoreWrites() =>
        Assert.Equal(PodImages.PathFor(ImageStore.DefaultRoot, "web"), RefusedHandOff.PinPath("web"));

    /// <summary>A descriptor that is no claim (a test host's, a hand-run stage 1's) releases nothing.</summary>
    [Fact]
    public void ADescriptorThatIsNoClaimReleasesNothing()
    {
        string file = Path.GetTempFileName();
        try
        {
            using var stream = new FileStream(file, FileMode.Open);
            RefusedHandOff.Release((int)stream.SafeFileHandle.DangerousGetHandle());
            RefusedHandOff.Release(-1);
            RefusedHandOff.Release(int.MaxValue);
            Assert.True(File.Exists(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("run", "/proc/self/fd/3", "-1")]
    [InlineData("run", "/proc/self/fd/3", "x")]
    [InlineData("container-exec", "/proc/self/fd/5", "main", "0", "--", "sh")]
    public void TheRefusalIsThrownStill(params string[] args) =>
        Assert.StartsWith("podunits-stage1: is another build",
            Assert.Throws<PodUnitsException>(() => Stage1.EnsureSameBuildOrRelease(args, "0.0.1+0123456789abcdef")).Message, StringComparison.Ordinal);
}

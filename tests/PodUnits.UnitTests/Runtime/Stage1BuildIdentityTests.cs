using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Runtime.Executor;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Upgrade review of 2026-12-07, finding 3: stage 0's file-identity check cannot tell
/// two versions apart when a pod starts between the package manager's rename of the new
/// podunits and of the new podunits-stage1. Stage 1 now refuses a starter of another build.</summary>
public sealed class Stage1BuildIdentityTests
{
    [Theory]
    [InlineData("run", "/proc/self/fd/3", "4")]
    [InlineData("run", "/proc/self/fd/3", "4", "5")]
    [InlineData("container-exec", "/proc/self/fd/5", "main", "0", "--", "sh")]
    public void AHandOffFromAnotherBuildIsRefusedWithStatusOneInOneLine(params string[] args)
    {
        foreach (string? other in new[] { "0.0.9+1a2b3c", null, "", "bad\nline" })
        {
            PodUnitsException e = Assert.Throws<PodUnitsException>(() => Stage1.EnsureSameBuild(args, other));
            Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode); // not 2: Restart= runs matching files later
            Assert.DoesNotContain('\n', e.Message);
            Assert.StartsWith("podunits-stage1: is another build", e.Message, StringComparison.Ordinal);
            Assert.Contains(BuildIdentity.Id, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run", "/proc/self/fd/3", "4")]
    [InlineData("container-exec", "/proc/self/fd/5", "main", "0", "--", "sh")]
    public void AHandOffFromThisBuildIsAccepted(params string[] args) => Stage1.EnsureSameBuild(args, BuildIdentity.Id);

    /// <summary>Started by stage 1 itself from /proc/self/exe: always the same build.</summary>
    [Theory]
    [InlineData("pod-init", "/run/plan.json")]
    [InlineData("container-start", "/run/plan.json", "main")]
    [InlineData("machine-leader")]
    [InlineData("version")]
    public void WhatStageOneStartsItselfIsNotChecked(params string[] args) => Stage1.EnsureSameBuild(args, null);

    [Fact]
    public void TheHandOffCarriesThisBuildOnce()
    {
        List<string> env = Stage1.HandOffEnvironment();
        Assert.Single(env, v => v.StartsWith(BuildIdentity.Variable + "=", StringComparison.Ordinal));
        Assert.Contains(BuildIdentity.Assignment, env);
    }

    /// <summary>A Debug build (these tests') has one too, without build-release.sh.</summary>
    [Fact]
    public void EveryBuildHasAnIdentity() => Assert.Matches(@"^[A-Za-z0-9.+_-]{1,64}$", BuildIdentity.Id);

    /// <summary>Both release executables get the same identity: one value, passed to both publishes.</summary>
    [Fact]
    public void TheReleaseBuildStampsBothExecutablesAlike()
    {
        string[] publishes = File.ReadAllText(Path.Combine(RepoRoot.Path, "packaging/build-release.sh"))
            .Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Where(l => l.TrimStart().StartsWith("dotnet publish", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, publishes.Length);
        Assert.All(publishes, l => Assert.Contains("-p:PodUnitsBuildId=\"$build_id\"", l, StringComparison.Ordinal));
    }
}

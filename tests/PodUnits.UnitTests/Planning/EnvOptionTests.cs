using PodUnits.Core.Errors;
using PodUnits.Planning.AdHoc;

namespace PodUnits.UnitTests.Planning;

/// <summary>`--env NAME`, as podman and docker take it (interactive review of 2026-12-07, finding 8).</summary>
public sealed class EnvOptionTests
{
    [Fact]
    public void ABareNameTakesTheCallersValueOrIsSkippedWhenUnset()
    {
        List<string> env = EnvOption.Resolve(["A=1", "FOO", "UNSET", "EMPTY", "B=x=y"],
            name => name switch { "FOO" => "value", "EMPTY" => "", _ => null });
        Assert.Equal(["A=1", "FOO=value", "EMPTY=", "B=x=y"], env);
    }

    [Fact]
    public void AnEntryWithASpaceIsNeverLookedUpAndStillRefused()
    {
        List<string> env = EnvOption.Resolve(["PASSWORD s3cr3t", ""], _ => throw new InvalidOperationException("looked up"));
        Assert.Equal(["PASSWORD s3cr3t", ""], env);
        var e = Assert.Throws<BadInputException>(() => new AdHocOptions { Image = "busybox", Env = env }.Definition("pod-00000000"));
        Assert.Equal("--env: an entry is not NAME=VALUE or NAME (it is not shown: it may hold a value)", e.Message);
    }
}

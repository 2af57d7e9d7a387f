using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>spec.shareProcessNamespace into the model: false and absent isolate (as in
/// Kubernetes), true shares, anything else is an error at its line.</summary>
public sealed class ShareProcessNamespaceTests
{
    private static string Pod(string field) => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: x{"}"}
        spec:
          {field}
          containers: [{"{"}name: c, image: busybox{"}"}]
        """;

    [Theory]
    [InlineData("shareProcessNamespace: false", false)]
    [InlineData("shareProcessNamespace: true", true)]
    [InlineData("", false)]
    public void TheFieldSaysWhetherTheContainersShareThePodsPidNamespace(string field, bool shared)
    {
        Assert.Equal(shared, PodDefinitionLoader.LoadText(Pod(field), "x.yaml").GetPodOrThrow().ShareProcessNamespace);
    }

    [Fact]
    public void ANonBooleanIsAnErrorAtItsLine()
    {
        LoadResult result = PodDefinitionLoader.LoadText(Pod("shareProcessNamespace: sometimes"), "x.yaml");
        Assert.Contains(result.Diagnostics, d => d.ToString().StartsWith("x.yaml:5:26:", StringComparison.Ordinal));
    }
}

using PodUnits.Core.Naming;
using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>Review of 2026-12-05: a pod and a container name that each validate could make a
/// container scope name past systemd's 255 characters (each '-' is escaped to "\x2d"): the
/// start then failed on a D-Bus error. Refused at the container's name, where it is written.</summary>
public sealed class ScopeNameLengthTests
{
    private static readonly string LongPod = string.Join('-', Enumerable.Repeat("ab", 21)); // 62 characters, 20 dashes
    private static readonly string LongContainer = string.Join('-', Enumerable.Repeat("cd", 21));

    [Fact]
    public void TheScopeNameLengthCountsEscapedDashes()
    {
        Assert.Equal("podunits-web-app.scope".Length, PodUnitNames.ContainerScopeLength("web", "app"));
        Assert.Equal("podunits-a\\x2db-c.scope".Length, PodUnitNames.ContainerScopeLength("a-b", "c"));
        Assert.True(PodUnitNames.ContainerScopeLength(LongPod, LongContainer) > PodUnitNames.MaxUnitName);
    }

    /// <summary>Definitions cannot reach the Systemd project's unit escaping, so the length
    /// is computed apart from the name; this ties the two together.</summary>
    [Theory]
    [InlineData("web", "app")]
    [InlineData("a-b", "c-d-e")]
    [InlineData("pod.1", "x")]
    public void TheLengthIsTheLengthOfTheScopeNameTheExecutorUses(string pod, string container)
    {
        Assert.Equal(PodUnits.Runtime.Executor.ContainerUnits.ScopeName(pod, container).Length, PodUnitNames.ContainerScopeLength(pod, container));
    }

    [Fact]
    public void AContainerWhoseScopeNameSystemdWouldRefuseIsAnErrorAtItsName()
    {
        string[] diagnostics = DefinitionErrorTests.Diagnose($"""
            apiVersion: v1
            kind: Pod
            spec:
              containers:
                - {"{"}name: short, image: busybox{"}"}
                - {"{"}name: {LongContainer}, image: busybox{"}"}
            """, $"{LongPod}.yaml");
        int length = PodUnitNames.ContainerScopeLength(LongPod, LongContainer);
        Assert.Equal([$"{LongPod}.yaml:6:14: error: spec.containers[1].name: \"{LongContainer}\" makes the container's scope " +
            $"(podunits-POD-{LongContainer}.scope, each '-' written as \\x2d) {length} characters long with pod \"{LongPod}\"; " +
            "systemd takes at most 255: use shorter names"], diagnostics);
    }
}

using PodUnits.Definitions;
using PodUnits.Definitions.Host;

namespace PodUnits.UnitTests.Definitions;

/// <summary>spec.hostUsers and the host's userNamespaces default: which pods get a user
/// namespace of their own, and Kubernetes' refusal of hostUsers: false with hostNetwork.</summary>
public sealed class HostUsersDefinitionTests
{
    private static LoadOptions Host(UserNamespacesDefault userNamespaces) =>
        new() { HostSettings = HostSettings.Default with { UserNamespacesDefault = userNamespaces } };

    /// <summary>A pod with the spec lines <paramref name="specLines"/>, the first at line 6.</summary>
    private static string Pod(string specLines) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: x
        spec:
        {{specLines}}
          containers:
          - name: a
            image: busybox
        """;

    [Theory]
    [InlineData("  hostUsers: false", UserNamespacesDefault.Host, false, true)]
    [InlineData("  hostUsers: true", UserNamespacesDefault.Host, true, false)]
    [InlineData("  hostname: x", UserNamespacesDefault.Host, null, false)]
    [InlineData("  hostUsers: false", UserNamespacesDefault.Auto, false, true)]
    [InlineData("  hostUsers: true", UserNamespacesDefault.Auto, true, false)]
    [InlineData("  hostname: x", UserNamespacesDefault.Auto, null, true)]
    [InlineData("  hostNetwork: true", UserNamespacesDefault.Auto, null, false)]
    [InlineData("  hostNetwork: true\n  hostUsers: true", UserNamespacesDefault.Auto, true, false)]
    public void AUserNamespaceIsHostUsersFalseOrTheHostsAutoDefault(string specLines, UserNamespacesDefault host, bool? hostUsers, bool userNamespace)
    {
        PodDefinition pod = PodDefinitionLoader.LoadText(Pod(specLines), "x.yaml", Host(host)).GetPodOrThrow();
        Assert.Equal(hostUsers, pod.HostUsers);
        Assert.Equal(userNamespace, pod.UserNamespace);
    }

    [Theory]
    [InlineData("  hostNetwork: true\n  hostUsers: false",
        "x.yaml:7:14: error: spec.hostUsers: false cannot be combined with hostNetwork: true (Kubernetes allows no host namespace in a pod with a user namespace of its own); remove one of the two")]
    [InlineData("  hostUsers: \"false\"", "x.yaml:6:14: error: spec.hostUsers: must be true or false, found the string \"false\"")]
    [InlineData("  hostUser: false", "x.yaml:6:3: error: unknown field \"hostUser\" in spec; did you mean \"hostUsers\"?")]
    [InlineData("  hostUsers: false\n  securityContext: {runAsUser: 65536}",
        "x.yaml:7:32: error: spec.securityContext.runAsUser: 65536 is outside the pod's user namespace, which maps IDs 0-65535 (hostUsers: false, or the host's userNamespaces: auto, where spec.hostUsers: true keeps the host's users)")]
    [InlineData("  hostUsers: false\n  securityContext: {supplementalGroups: [10, 70000]}",
        "x.yaml:7:46: error: spec.securityContext.supplementalGroups[1]: 70000 is outside the pod's user namespace, which maps IDs 0-65535 (hostUsers: false, or the host's userNamespaces: auto, where spec.hostUsers: true keeps the host's users)")]
    public void MistakesAreErrorsAtTheirPosition(string specLines, string expected)
    {
        Assert.Equal([expected], DefinitionErrorTests.Diagnose(Pod(specLines), options: Host(UserNamespacesDefault.Host)));
    }

    [Fact]
    public void AContainersIdBeyondTheRangeIsAnErrorUnderTheAutoDefaultAndFineWithTheHostsUsers()
    {
        string pod = Pod("  hostname: x").Replace("    image: busybox", "    image: busybox\n    securityContext: {runAsGroup: 100000}", StringComparison.Ordinal);
        Assert.Equal(["x.yaml:10:35: error: spec.containers[0].securityContext.runAsGroup: 100000 is outside the pod's user namespace, " +
            "which maps IDs 0-65535 (hostUsers: false, or the host's userNamespaces: auto, where spec.hostUsers: true keeps the host's users)"],
            DefinitionErrorTests.Diagnose(pod, options: Host(UserNamespacesDefault.Auto)));
        Assert.Empty(DefinitionErrorTests.Diagnose(pod, options: Host(UserNamespacesDefault.Host)));
    }
}

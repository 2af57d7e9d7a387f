using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>Review of 2026-12-06: the deprecated per-container AppArmor annotation, which
/// Kubernetes still honours, was ignored without a word: a manifest asking for a stricter
/// Localhost profile ran under the default one.</summary>
public sealed class AppArmorAnnotationTests
{
    private static LoadResult Load(string annotations, string mainContext = "", string podContext = "{}") => PodDefinitionLoader.LoadText($$$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: x
          annotations:
        {{{annotations}}}
        spec:
          securityContext: {{{podContext}}}
          initContainers: [{name: setup, image: busybox}]
          containers:
            - {name: main, image: busybox{{{mainContext}}}}
            - {name: side, image: busybox}
        """, "x.yaml", LoadOptions.Default with { RequireNameMatchesFile = false });

    [Fact]
    public void TheAnnotationGivesAContainerWithoutAFieldItsProfile()
    {
        LoadResult r = Load("""
                container.apparmor.security.beta.kubernetes.io/main: localhost/strict-web
                container.apparmor.security.beta.kubernetes.io/setup: unconfined
                container.apparmor.security.beta.kubernetes.io/side: ""
            """);
        Assert.True(r.IsValid, string.Join('\n', r.Diagnostics));
        PodDefinition pod = r.Pod!;
        Assert.Equal((AppArmorProfileType.Localhost, "strict-web"), (pod.Containers[0].SecurityContext!.AppArmorProfile!.Type, pod.Containers[0].SecurityContext!.AppArmorProfile!.LocalhostProfile));
        Assert.Equal(AppArmorProfileType.Unconfined, pod.InitContainers[0].SecurityContext!.AppArmorProfile!.Type);
        Assert.Null(pod.Containers[1].SecurityContext?.AppArmorProfile); // "" is unset, as Kubernetes reads it
    }

    /// <summary>Review of this session's diff: a leftover "unconfined" beside a pod-wide
    /// profile left the container unconfined; the API server refuses it on create.</summary>
    [Fact]
    public void AnAnnotationThatContradictsThePodsFieldIsAnError()
    {
        LoadResult r = Load("""
                container.apparmor.security.beta.kubernetes.io/main: unconfined
                container.apparmor.security.beta.kubernetes.io/side: localhost/pod-wide
            """, podContext: "{appArmorProfile: {type: Localhost, localhostProfile: pod-wide}}");
        Diagnostic error = Assert.Single(r.Diagnostics, d => d.IsError);
        Assert.Contains("container.apparmor.security.beta.kubernetes.io/main: says another AppArmor profile than the pod's securityContext.appArmorProfile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongValueAnUnknownContainerOrADisagreeingFieldIsAnError()
    {
        LoadResult r = Load("""
                container.apparmor.security.beta.kubernetes.io/main: localhost/other
                container.apparmor.security.beta.kubernetes.io/side: strict
                container.apparmor.security.beta.kubernetes.io/nope: runtime/default
            """, ", securityContext: {appArmorProfile: {type: Localhost, localhostProfile: web}}");
        Assert.False(r.IsValid);
        string errors = string.Join('\n', r.Diagnostics.Where(d => d.IsError).Select(d => d.Message));
        Assert.Contains("container.apparmor.security.beta.kubernetes.io/main: says another AppArmor profile than the container's securityContext.appArmorProfile", errors, StringComparison.Ordinal);
        Assert.Contains("container.apparmor.security.beta.kubernetes.io/side: \"strict\" is not an AppArmor profile (runtime/default, localhost/NAME or unconfined)", errors, StringComparison.Ordinal);
        Assert.Contains("container.apparmor.security.beta.kubernetes.io/nope: the pod has no container \"nope\" (it has: setup, main, side)", errors, StringComparison.Ordinal);
    }
}

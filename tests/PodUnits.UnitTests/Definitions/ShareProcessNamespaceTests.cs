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

    private static string Traced(string spec, string securityContext) => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: x{"}"}
        spec:
          shareProcessNamespace: true
        {spec}
          containers:
          - name: app
            image: busybox
          - name: debug
            image: busybox
            securityContext: {securityContext}
        """;

    [Theory]
    [InlineData("{capabilities: {add: [SYS_PTRACE]}}")]
    [InlineData("{capabilities: {add: [CAP_SYS_PTRACE], drop: [ALL]}}")]
    [InlineData("{capabilities: {add: [ALL]}}")]
    public void SharingWithAContainerThatMayTraceIsRefusedWithoutAUserNamespace(string securityContext)
    {
        // PID 1 of the shared namespace, the pod init, is host root in the host's mount namespace.
        LoadResult result = PodDefinitionLoader.LoadText(Traced("", securityContext), "x.yaml");
        Assert.Equal(["x.yaml:5:26: error: spec.shareProcessNamespace: true with container debug's capability SYS_PTRACE would let it " +
            "reach the pod init, which runs as the host's root and sees the host's files; give the pod a user namespace (hostUsers: false), " +
            "or drop SYS_PTRACE, or keep each container's PID namespace its own"], result.Diagnostics.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("  hostUsers: false", "{capabilities: {add: [SYS_PTRACE]}}")]
    [InlineData("", "{privileged: true}")]
    [InlineData("", "{capabilities: {add: [NET_ADMIN], drop: [SYS_PTRACE]}}")]
    public void SharingIsAllowedInAUserNamespaceOrWhenNoContainerMayTraceUnlessPrivileged(string spec, string securityContext)
    {
        Assert.True(PodDefinitionLoader.LoadText(Traced(spec, securityContext), "x.yaml").GetPodOrThrow().ShareProcessNamespace);
    }

    [Fact]
    public void ANonBooleanIsAnErrorAtItsLine()
    {
        LoadResult result = PodDefinitionLoader.LoadText(Pod("shareProcessNamespace: sometimes"), "x.yaml");
        Assert.Contains(result.Diagnostics, d => d.ToString().StartsWith("x.yaml:5:26:", StringComparison.Ordinal));
    }
}

using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>An exec probe or exec hook of a container that adds SYS_PTRACE (or ALL) is
/// accepted, as Kubernetes accepts it, also in a pod without a user namespace: the process it
/// starts enters the container's PID namespace only with the container's own credentials and
/// confinement (enter.c; EnteringProcessTests proves it). Until 2026-12-08 such a process was
/// host root, visible to the container, until its privileges dropped (stage 1 native review
/// of 2026-12-07, finding 1), and these definitions were refused.</summary>
public sealed class PtraceExecHandlerTests
{
    private static string Pod(string spec, string securityContext, string handlers, string list = "containers") => $"""
        apiVersion: v1
        kind: Pod
        metadata: {"{"}name: x{"}"}
        spec:
        {spec}
          {list}:
          - name: debug
            image: busybox
            restartPolicy: {(list == "initContainers" ? "Always" : "")}
            securityContext: {securityContext}
        {handlers}
        """.Replace("    restartPolicy: \n", "", StringComparison.Ordinal);

    private const string ReadinessExec = "    readinessProbe:\n      exec:\n        command: [\"true\"]";

    private static string[] Errors(string yaml) =>
        [.. PodDefinitionLoader.LoadText(yaml, "x.yaml").Diagnostics.Where(d => d.ToString().Contains(": error: ", StringComparison.Ordinal))
            .Select(d => d.ToString())];

    [Theory]
    [InlineData("{capabilities: {add: [SYS_PTRACE]}}", ReadinessExec)]
    [InlineData("{capabilities: {add: [CAP_SYS_PTRACE], drop: [ALL]}}", "    livenessProbe:\n      exec: {command: [\"true\"]}")]
    [InlineData("{capabilities: {add: [ALL]}}", "    startupProbe:\n      exec: {command: [\"true\"]}")]
    [InlineData("{capabilities: {add: [SYS_PTRACE]}}", "    lifecycle:\n      postStart:\n        exec: {command: [\"true\"]}\n      preStop:\n        exec: {command: [\"true\"]}")]
    public void EveryExecHandlerOfATracingContainerIsAccepted(string securityContext, string handlers)
    {
        Assert.Empty(Errors(Pod("", securityContext, handlers)));
    }

    [Fact]
    public void ASidecarsToo()
    {
        Assert.Empty(Errors(Pod("", "{capabilities: {add: [ALL]}}", ReadinessExec, list: "initContainers")
            .Replace("  initContainers:", "  containers: [{name: app, image: busybox}]\n  initContainers:", StringComparison.Ordinal)));
    }

    [Fact]
    public void SharingThePodsProcessNamespaceIsStillRefused()
    {
        // There the pod init, host root, is PID 1 of the namespace the container sees.
        string error = Assert.Single(Errors(Pod("  shareProcessNamespace: true", "{capabilities: {add: [SYS_PTRACE]}}", "")));
        Assert.Contains("spec.shareProcessNamespace: true with container debug's capability SYS_PTRACE", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  hostUsers: false", "{capabilities: {add: [SYS_PTRACE]}}", ReadinessExec)]
    [InlineData("", "{privileged: true}", ReadinessExec)]
    [InlineData("", "{capabilities: {add: [NET_ADMIN], drop: [SYS_PTRACE]}}", ReadinessExec)]
    [InlineData("", "{capabilities: {add: [SYS_PTRACE]}}", "    readinessProbe:\n      tcpSocket: {port: 80}")]
    [InlineData("", "{capabilities: {add: [SYS_PTRACE]}}", "    lifecycle:\n      preStop:\n        sleep: {seconds: 1}")]
    [InlineData("", "{capabilities: {add: [SYS_PTRACE]}}", "")]
    public void AllowedInAUserNamespaceForAPrivilegedContainerOrWithoutAnExecHandlerAsBefore(string spec, string securityContext, string handlers)
    {
        Assert.Empty(Errors(Pod(spec, securityContext, handlers)));
    }
}

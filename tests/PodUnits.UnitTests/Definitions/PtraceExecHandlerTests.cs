using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>An exec probe or exec hook of a container that adds SYS_PTRACE (or ALL) is
/// refused in a pod without a user namespace: the process it starts is host root, visible to
/// the container, until its privileges drop (stage 1 native review of 2026-12-07, finding 1).</summary>
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

    [Fact]
    public void AnExecProbeIsRefusedAtItsExecField()
    {
        Assert.Equal(["x.yaml:11:7: error: spec.containers[0].readinessProbe.exec: container debug adds capability SYS_PTRACE in a pod " +
            "without a user namespace, so it could trace the process an exec readiness probe starts in it while that process is still " +
            "the host's root with every capability (opencontainers/runc#3987); give the pod a user namespace (hostUsers: false), " +
            "or drop SYS_PTRACE, or use an httpGet, tcpSocket or grpc probe"],
            Errors(Pod("", "{capabilities: {add: [SYS_PTRACE]}}", ReadinessExec)));
    }

    [Theory]
    [InlineData("    livenessProbe:\n      exec: {command: [\"true\"]}", "livenessProbe.exec", "liveness probe")]
    [InlineData("    startupProbe:\n      exec: {command: [\"true\"]}", "startupProbe.exec", "startup probe")]
    [InlineData("    lifecycle:\n      postStart:\n        exec: {command: [\"true\"]}", "lifecycle.postStart.exec", "postStart hook")]
    [InlineData("    lifecycle:\n      preStop:\n        exec: {command: [\"true\"]}", "lifecycle.preStop.exec", "preStop hook")]
    public void EveryExecHandlerIsRefused(string handlers, string field, string what)
    {
        string error = Assert.Single(Errors(Pod("", "{capabilities: {add: [CAP_SYS_PTRACE], drop: [ALL]}}", handlers)));
        Assert.Contains($"error: spec.containers[0].{field}: container debug adds capability SYS_PTRACE", error, StringComparison.Ordinal);
        Assert.Contains($"an exec {what} starts in it", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AllCapabilitiesAndASidecarsProbesCountToo()
    {
        string error = Assert.Single(Errors(Pod("", "{capabilities: {add: [ALL]}}", ReadinessExec, list: "initContainers")
            .Replace("  initContainers:", "  containers: [{name: app, image: busybox}]\n  initContainers:", StringComparison.Ordinal)));
        Assert.Contains("spec.initContainers[0].readinessProbe.exec: container debug adds ALL capabilities, SYS_PTRACE among them, in a pod",
            error, StringComparison.Ordinal);
    }

    [Fact]
    public void BothHooksAndAProbeAreEachReported()
    {
        string handlers = ReadinessExec + "\n    lifecycle:\n      postStart:\n        exec: {command: [\"true\"]}\n      preStop:\n        exec: {command: [\"true\"]}";
        Assert.Equal(3, Errors(Pod("", "{capabilities: {add: [SYS_PTRACE]}}", handlers)).Length);
    }

    [Theory]
    [InlineData("  hostUsers: false", "{capabilities: {add: [SYS_PTRACE]}}", ReadinessExec)]
    [InlineData("", "{privileged: true}", ReadinessExec)]
    [InlineData("", "{capabilities: {add: [NET_ADMIN], drop: [SYS_PTRACE]}}", ReadinessExec)]
    [InlineData("", "{capabilities: {add: [SYS_PTRACE]}}", "    readinessProbe:\n      tcpSocket: {port: 80}")]
    [InlineData("", "{capabilities: {add: [SYS_PTRACE]}}", "    lifecycle:\n      preStop:\n        sleep: {seconds: 1}")]
    [InlineData("", "{capabilities: {add: [SYS_PTRACE]}}", "")]
    public void AllowedInAUserNamespaceForAPrivilegedContainerOrWithoutAnExecHandler(string spec, string securityContext, string handlers)
    {
        Assert.Empty(Errors(Pod(spec, securityContext, handlers)));
    }
}

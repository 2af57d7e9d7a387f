using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>TimeoutStartSec=: systemd's default unless Kubernetes lets the start run longer.</summary>
public sealed class StartTimeoutTests
{
    private static string? StartTimeout(string spec)
    {
        string yaml = $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{spec}";
        return PodUnitSettingsMapper.StartTimeout(PodDefinitionLoader.LoadText(yaml, "/etc/podunits/pods/p.yaml").GetPodOrThrow());
    }

    [Fact]
    public void APlainPodKeepsSystemdsDefault()
    {
        Assert.Null(StartTimeout("  containers:\n  - {name: a, image: \"dir:/r\", readinessProbe: {exec: {command: [\"true\"]}}}\n"));
        // A startup probe that gives up within the default, with room for the rest: unchanged.
        Assert.Null(StartTimeout("  containers:\n  - {name: a, image: \"dir:/r\", startupProbe: {exec: {command: [\"true\"]}, periodSeconds: 5, failureThreshold: 5}}\n"));
        // A start with a deadline is waited for as any service's: the default dependencies stay.
        PodDefinition slow = PodDefinitionLoader.LoadText("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            + "  - {name: a, image: \"dir:/r\", startupProbe: {exec: {command: [\"true\"]}, periodSeconds: 10, failureThreshold: 30}}\n", "/etc/podunits/pods/p.yaml").GetPodOrThrow();
        Assert.DoesNotContain("DefaultDependencies", DropInRenderer.Render(PodUnitSettingsMapper.Map(slow, "/etc/podunits/pods/p.yaml", null)), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInitContainerHasNoDeadlineAsInKubernetes()
    {
        const string withInit = "  initContainers:\n  - {name: migrate, image: \"dir:/r\"}\n  containers:\n  - {name: a, image: \"dir:/r\"}\n";
        Assert.Equal("infinity", StartTimeout(withInit));
        PodDefinition pod = PodDefinitionLoader.LoadText($"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{withInit}", "/etc/podunits/pods/p.yaml").GetPodOrThrow();
        string dropIn = DropInRenderer.Render(PodUnitSettingsMapper.Map(pod, "/etc/podunits/pods/p.yaml", null));
        Assert.Contains("\nTimeoutStartSec=infinity\n", dropIn, StringComparison.Ordinal);
        // So that multi-user.target does not wait for it at boot (no implicit After=), with a
        // service's other default dependencies kept.
        Assert.Contains("\nDefaultDependencies=no\nRequires=sysinit.target\nAfter=sysinit.target basic.target\n"
            + "Conflicts=shutdown.target\nBefore=shutdown.target\n\n[Service]", dropIn, StringComparison.Ordinal);
        // A sidecar is no step the start waits to see finish.
        Assert.Null(StartTimeout("  initContainers:\n  - {name: log, image: \"dir:/r\", restartPolicy: Always}\n  containers:\n  - {name: a, image: \"dir:/r\"}\n"));
    }

    /// <summary>Health review of 2026-12-07, finding 1: a sidecar holds the containers after it
    /// back until its startup probe passes, so their allowances add up.</summary>
    [Fact]
    public void ASidecarsStartupAllowanceComesBeforeTheContainersAfterIt()
    {
        const string Slow = "startupProbe: {httpGet: {path: /, port: 80}, periodSeconds: 10, failureThreshold: 12}"; // 132 s
        Assert.Equal("324", StartTimeout($"  initContainers:\n  - {{name: proxy, image: \"dir:/r\", restartPolicy: Always, {Slow}}}\n"
            + $"  containers:\n  - {{name: a, image: \"dir:/r\", {Slow}}}\n"));
        // A sidecar's readiness holds nothing back: the slowest alone decides.
        const string SlowReady = "readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 120}"; // 131 s
        Assert.Equal("191", StartTimeout($"  initContainers:\n  - {{name: proxy, image: \"dir:/r\", restartPolicy: Always, {SlowReady}}}\n"
            + $"  containers:\n  - {{name: a, image: \"dir:/r\", {SlowReady}}}\n"));
        // Two sidecars: each holds back all that follows it.
        Assert.Equal("456", StartTimeout($"  initContainers:\n  - {{name: s1, image: \"dir:/r\", restartPolicy: Always, {Slow}}}\n"
            + $"  - {{name: s2, image: \"dir:/r\", restartPolicy: Always, {Slow}}}\n"
            + $"  containers:\n  - {{name: a, image: \"dir:/r\", {Slow}}}\n"));
    }

    [Fact]
    public void ASlowStartupProbeGetsItsWholeAllowanceAndAMinute()
    {
        // The Kubernetes documentation's slow starter: 30 failures 10 s apart (1 s timeouts).
        Assert.Equal("390", StartTimeout("  containers:\n  - {name: a, image: \"dir:/r\", startupProbe: {httpGet: {path: /healthz, port: 8080}, failureThreshold: 30, periodSeconds: 10}}\n"));
    }

    [Fact]
    public void TheStartWaitsForReadinessSoItsDeadlineCoversIt()
    {
        // READY=1 waits for the readinessProbe: 120 s of initial delay plus one 10 s period
        // and its 1 s timeout, then a minute for the rest (review of 2026-12-06: killed at 90 s).
        Assert.Equal("191", StartTimeout("  containers:\n  - {name: a, image: \"dir:/r\", readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 120}}\n"));
        // After a startup probe: the two add up (Kubernetes runs readiness only once startup passed).
        Assert.Equal("456", StartTimeout("  containers:\n  - {name: a, image: \"dir:/r\", startupProbe: {httpGet: {path: /, port: 80}, failureThreshold: 30, periodSeconds: 10},"
            + " readinessProbe: {httpGet: {path: /, port: 80}, successThreshold: 6, periodSeconds: 10}}\n"));
        // Per container: the slowest decides.
        Assert.Equal("191", StartTimeout("  containers:\n  - {name: a, image: \"dir:/r\", readinessProbe: {exec: {command: [\"true\"]}, initialDelaySeconds: 120}}\n"
            + "  - {name: b, image: \"dir:/r\", readinessProbe: {exec: {command: [\"true\"]}, initialDelaySeconds: 20}}\n"));
    }

    /// <summary>TimeoutStopSec=: the grace period, 15 s for the executor's end, and 4 s for each
    /// sidecar's turn after the others (its kubelet minimum of 2 s and a hook's 2 s extension).</summary>
    [Fact]
    public void EachSidecarAddsItsTurnToTheStopTimeout()
    {
        PodDefinition pod = PodDefinitionLoader.LoadText("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: 20\n"
            + "  initContainers:\n  - {name: log, image: \"dir:/r\", restartPolicy: Always}\n  - {name: proxy, image: \"dir:/r\", restartPolicy: Always}\n"
            + "  - {name: migrate, image: \"dir:/r\"}\n  containers:\n  - {name: a, image: \"dir:/r\"}\n", "/etc/podunits/pods/p.yaml").GetPodOrThrow();
        Assert.Equal(20 + 15 + 8, PodUnitSettingsMapper.Map(pod, "/etc/podunits/pods/p.yaml", null).TimeoutStopSeconds);
        Assert.Equal(45, PodUnits.Core.Timing.ExecutorStop.TimeoutSeconds(30));
    }
}

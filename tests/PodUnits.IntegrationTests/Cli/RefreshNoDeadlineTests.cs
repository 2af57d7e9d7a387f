using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Cli;

/// <summary>`podunits refresh` runs inside package transactions: a pod whose start has no
/// deadline (an init container waiting for its database) is started without waiting, or
/// `apt install` would hang with it.</summary>
public sealed class RefreshNoDeadlineTests
{
    [Fact]
    public void APodWhoseStartHasNoDeadlineIsQueuedNotWaitedFor()
    {
        const string name = "cli-refresh-init";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              annotations:
                podunits.io/autostart: "true"
            spec:
              terminationGracePeriodSeconds: 2
              initContainers:
                - name: wait-for-db
                  image: busybox
                  command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(PodHarness.Idle)}}]
            """);
        Assert.Equal("infinity", pod.Show("TimeoutStartUSec"));
        // `timeout` turns the hang this guards against into a failure (exit 124).
        var refresh = PodHarness.Run("timeout", "60", "podunits", "refresh", name);
        Assert.True(refresh.Code == 0, refresh.Output);
        Assert.Contains($"pod@{name}.service: start queued, not waited for", refresh.Output, StringComparison.Ordinal);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "activating"), pod.Show("ActiveState"));
        // Still waiting for its init container: the start goes on after refresh returned.
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Any(l => l.Contains("wait-for-db", StringComparison.Ordinal))),
            pod.UnitJournalText());
        Assert.Equal("activating", pod.Show("ActiveState"));
    }
}

using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// spec.shareProcessNamespace as Kubernetes defines it. With false each container has a PID
/// namespace of its own: a sidecar running as the same user cannot list the other
/// container's processes, read their environment (where Secrets often are) or reach its
/// files through /proc/PID/root, and its command is PID 1. With true they share the pod's,
/// whose PID 1 is the pod init (Kubernetes' pause container), and all of that is visible, as
/// the Kubernetes documentation warns; so it is without the field, PodUnits' deviation
/// (docs/confinement.md, "Other containers' processes").
/// </summary>
public sealed class ProcessNamespaceTests
{
    private static string Pod(string name, bool? share) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          terminationGracePeriodSeconds: 2
          {{(share is null ? "" : $"shareProcessNamespace: {(share.Value ? "true" : "false")}")}}
          containers:
            - name: app
              image: busybox
              command: ["sh", "-c", "echo app-private > /tmp/private; trap 'exit 0' TERM; while true; do sleep 1; done"]
              env: [{name: DB_PASSWORD, value: s3cret-in-env}]
            - name: sidecar
              image: busybox
              command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        """;

    /// <summary>What the sidecar finds of the app container through its /proc.</summary>
    private static string Snoop(string pod) => PodHarness.Run("podunits", "enter", pod, "-c", "sidecar", "--", "sh", "-c",
        "echo pid1=$(cat /proc/1/comm); for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ 2>/dev/null | grep DB_PASSWORD; " +
        "cat $p/root/tmp/private 2>/dev/null; done; true").Output;

    [Fact]
    public void WithFalseEachContainerHasItsOwnPidNamespace()
    {
        const string name = "pidns-false";
        using var pod = new PodHarness(name, Pod(name, false));
        pod.Start();
        string seen = Snoop(name);
        Assert.Contains("pid1=sh", seen, StringComparison.Ordinal); // the sidecar's own command
        Assert.DoesNotContain("s3cret-in-env", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("app-private", seen, StringComparison.Ordinal);
        // Its processes are its own: one sh (PID 1), its sleep, and what enter runs.
        string ps = PodHarness.Run("podunits", "enter", name, "-c", "sidecar", "--", "ps", "-o", "pid,args").Output;
        Assert.DoesNotContain("podunits-stage1", ps, StringComparison.Ordinal);
        Assert.DoesNotContain("app-private", ps, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(null)]
    public void SharedTheContainersSeeEachOtherUnderThePodInit(bool? share)
    {
        string name = share is null ? "pidns-default" : "pidns-shared";
        using var pod = new PodHarness(name, Pod(name, share));
        pod.Start();
        string seen = Snoop(name);
        Assert.Contains("pid1=podunits-stage1", seen, StringComparison.Ordinal);
        Assert.Contains("DB_PASSWORD=s3cret-in-env", seen, StringComparison.Ordinal);
        Assert.Contains("app-private", seen, StringComparison.Ordinal);
    }
}

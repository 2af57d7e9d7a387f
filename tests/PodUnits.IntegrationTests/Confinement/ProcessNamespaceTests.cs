using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// spec.shareProcessNamespace as Kubernetes defines it. Without the field or with false each
/// container has a PID namespace of its own: a sidecar running as the same user cannot list
/// the other container's processes, read their environment (where Secrets often are) or
/// reach its files through /proc/PID/root, and its command is PID 1, which the kernel
/// shields from signals it has no handler for. With true they share the pod's, whose PID 1
/// is the pod init (Kubernetes' pause container), and all of that is visible, as the
/// Kubernetes documentation warns (docs/confinement.md, "Other containers' processes").
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

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public void WithoutSharingEachContainerHasItsOwnPidNamespace(bool? share)
    {
        string name = share is null ? "pidns-default" : "pidns-false";
        using var pod = new PodHarness(name, Pod(name, share));
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

    [Fact]
    public void SharedTheContainersSeeEachOtherUnderThePodInit()
    {
        const string name = "pidns-shared";
        using var pod = new PodHarness(name, Pod(name, true));
        pod.Start();
        string seen = Snoop(name);
        Assert.Contains("pid1=podunits-stage1", seen, StringComparison.Ordinal);
        Assert.Contains("DB_PASSWORD=s3cret-in-env", seen, StringComparison.Ordinal);
        Assert.Contains("app-private", seen, StringComparison.Ordinal);
    }

    /// <summary>Supervision review of 2026-12-06, finding 6: in a shared PID namespace, what a
    /// container started and left behind ends with it, whatever its restartPolicy (containerd's
    /// shim kills a container's every process when its first one exits without a PID namespace
    /// of its own); under Never it ran on for the rest of the pod.</summary>
    [Fact]
    public void SharedWhatAContainerLeftBehindEndsWithIt()
    {
        const string name = "pidns-leftover";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "sleep 4377 & until [ -e /tmp/go ]; do sleep 0.2; done; exit 0",
            extraSpecYaml: "  shareProcessNamespace: true",
            extraContainerYaml: """
                - name: other
                  image: busybox
                  command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
            """));
        Assert.Equal(0, pod.Systemctl("start", "--no-block", pod.Unit).Code);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "sleep 4377").Code == 0, seconds: 30), pod.UnitJournalText());
        // The first container's sh exits when told; its sleep goes with it.
        var go = PodHarness.Run("podunits", "enter", name, "-c", "main", "--", "touch", "/tmp/go");
        Assert.True(go.Code == 0, go.Output);
        Assert.True(PodHarness.WaitFor(() => PodHarness.Run("pgrep", "-x", "-f", "sleep 4377").Code != 0, seconds: 20),
            PodHarness.Run("ps", "-eo", "pid,ppid,args").Output);
        Assert.Equal("active", pod.Show("ActiveState")); // the other container runs on
    }

    /// <summary>A command with no SIGTERM handler (`sleep`): as its namespace's PID 1 it
    /// outlives the stop's SIGTERM, so the grace period's SIGKILL ends it and the pod fails
    /// with 137, as a service that outlives its stop timeout does; under the pod init (shared)
    /// the SIGTERM ends it and the stop is clean.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACommandWithoutASigtermHandlerStopsByTheGracePeriodUnlessShared(bool share)
    {
        string name = share ? "pidns-term-shared" : "pidns-term-own";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo up; exec sleep 1000",
            extraSpecYaml: $"  shareProcessNamespace: {(share ? "true" : "false")}").Replace(
            "terminationGracePeriodSeconds: 5", "terminationGracePeriodSeconds: 1", StringComparison.Ordinal));
        pod.Start();
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Contains("up")));
        pod.Systemctl("stop", pod.Unit);
        Assert.NotEqual("timeout", pod.Show("Result")); // the pod init's SIGKILL, not systemd's
        string journal = pod.UnitJournalText();
        if (share)
        {
            Assert.Equal("inactive", pod.Show("ActiveState"));
            Assert.True(pod.UnitJournalHas(l => l.StartsWith("container main exited with signal 15", StringComparison.Ordinal)), journal);
        }
        else
        {
            Assert.Equal("failed", pod.Show("ActiveState"));
            Assert.Equal("137", pod.Show("ExecMainStatus"));
            Assert.True(pod.UnitJournalHas(l => l.StartsWith("container main exited with signal 9", StringComparison.Ordinal)), journal);
        }
    }
}

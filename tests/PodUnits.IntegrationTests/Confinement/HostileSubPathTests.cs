using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// subPath into a volume a container can write (the kubelet's CVE-2017-1002101): an init
/// container leaves symlinks to / and to a host file in a shared emptyDir; the main
/// container mounts them by subPath. Each must resolve inside the volume, never on the host.
/// </summary>
public sealed class HostileSubPathTests
{
    [Fact]
    public void SubPathSymlinksStayInsideTheVolume()
    {
        using var pod = new PodHarness("hostile-subpath", """
            apiVersion: v1
            kind: Pod
            metadata: {name: hostile-subpath}
            spec:
              restartPolicy: Never
              hostNetwork: true
              volumes: [{name: shared, emptyDir: {}}]
              initContainers:
                - name: plant
                  image: busybox
                  command: ["sh", "-c", "mkdir /shared/real && echo inside > /shared/real/f && ln -s / /shared/root && ln -s /etc/hostname /shared/host-file && ln -s real/f /shared/ok"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", "echo root=$(ls /x | tr '\n' ' '); echo host-file=$(test -d /y && echo is-dir) entries=$(ls -A /y | wc -l); echo ok=$(cat /z); echo done"]
                  volumeMounts:
                    - {name: shared, mountPath: /x, subPath: root}
                    - {name: shared, mountPath: /y, subPath: host-file}
                    - {name: shared, mountPath: /z, subPath: ok}
            """);
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);
        Assert.True(lines.Contains("done"), why);
        // "/" inside the volume is the volume itself: its own entries, not the host's root.
        Assert.Equal("root=etc host-file ok real root", lines.Single(l => l.StartsWith("root=", StringComparison.Ordinal)).TrimEnd());
        // /etc/hostname inside the volume does not exist: created as an empty directory.
        Assert.Equal("host-file=is-dir entries=0", lines.Single(l => l.StartsWith("host-file=", StringComparison.Ordinal)));
        Assert.Contains("ok=inside", lines);
    }

    /// <summary>Review of 2026-12-06: a subPathExpr whose lookup failed otherwise than by a
    /// missing entry (here a file where a directory is expected) had container-start's error
    /// quote the expanded path, a Secret's value with it, into the journal; the planner's
    /// own errors quote the expression only.</summary>
    [Fact]
    public void ASubPathExprThatCannotBeMountedIsNotQuotedWithItsValue()
    {
        using var pod = new PodHarness("hostile-subpathexpr", """
            apiVersion: v1
            kind: Pod
            metadata: {name: hostile-subpathexpr}
            spec:
              restartPolicy: Never
              hostNetwork: true
              volumes: [{name: shared, emptyDir: {}}]
              initContainers:
                - name: plant
                  image: busybox
                  command: ["sh", "-c", "echo not-a-directory > /shared/tenants"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
              containers:
                - name: main
                  image: busybox
                  command: ["true"]
                  env: [{name: TENANT, valueFrom: {secretKeyRef: {name: tenant, key: id}}}]
                  volumeMounts: [{name: shared, mountPath: /data, subPathExpr: "tenants/$(TENANT)"}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tenant}
            stringData: {id: tok-Zq81secret}
            """);
        pod.Systemctl("start", pod.Unit);
        Assert.True(pod.UnitJournalHas(l => l.Contains("volumeMounts /data: its subPath cannot be looked up in the volume", StringComparison.Ordinal)),
            pod.UnitJournalText());
        Assert.DoesNotContain("tok-Zq81secret", pod.UnitJournalText(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok-Zq81secret", PodHarness.Run("journalctl", "--no-pager", "-o", "cat", "-b").Output, StringComparison.Ordinal);
    }
}

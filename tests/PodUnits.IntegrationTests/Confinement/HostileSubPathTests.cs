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
}

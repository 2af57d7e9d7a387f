using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Configuration;

/// <summary>
/// emptyDir sizeLimit on disk: as the kubelet evicts a pod whose volume outgrows its limit, the
/// executor measures the volumes every 10 s and stops the pod, failed, naming the volume. The
/// volume listed first holds as much but is under its own, larger limit: only the full one is
/// named.
/// </summary>
public sealed class EmptyDirLimitTests
{
    [Fact]
    public void APodWhoseEmptyDirOutgrowsItsSizeLimitIsEvicted()
    {
        using var pod = new PodHarness("cfg-evict", """
            apiVersion: v1
            kind: Pod
            metadata: {name: cfg-evict}
            spec:
              terminationGracePeriodSeconds: 3
              restartPolicy: Never
              volumes:
                - {name: roomy, emptyDir: {sizeLimit: 16Mi}}
                - {name: scratch, emptyDir: {sizeLimit: 1Mi}}
              containers:
                - name: main
                  image: busybox
                  command: ["sh", "-c", "for v in roomy scratch; do dd if=/dev/zero of=/$v/fill bs=1M count=3 2>/dev/null; done; sync; echo filled; trap 'exit 0' TERM; sleep 1000 & wait"]
                  volumeMounts:
                    - {name: roomy, mountPath: /roomy}
                    - {name: scratch, mountPath: /scratch}
            """);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", seconds: 60),
            pod.Show("ActiveState") + "\n" + string.Join('\n', pod.Journal("-u", pod.Unit)));
        // journald may take in the executor's last message after systemd has seen it end.
        Assert.True(pod.UnitJournalHas(l => l.StartsWith("pod cfg-evict failed: evicted: emptyDir \"scratch\" holds 3", StringComparison.Ordinal)
            && l.EndsWith("M on disk, more than its sizeLimit of 1.0M", StringComparison.Ordinal)), pod.UnitJournalText());
        string[] journal = pod.Journal("-u", pod.Unit);
        Assert.Contains("filled", journal);
        Assert.DoesNotContain(journal, l => l.Contains("\"roomy\"", StringComparison.Ordinal));
    }

    /// <summary>Volumes review of 2026-12-07, finding 4: what is written below a directory
    /// whose name is not UTF-8 was not counted (.NET's enumeration gave a name that lstat
    /// could not find), so the container escaped its limit.</summary>
    [Fact]
    public void WhatIsBelowANameThatIsNotUtf8CountsAgainstTheLimit()
    {
        using var pod = new PodHarness("cfg-evict-bytes", PodHarness.BusyboxPod("cfg-evict-bytes",
            """d="$(printf '/scratch/\377')"; mkdir "$d"; dd if=/dev/zero of="$d/fill" bs=1M count=3 2>/dev/null; sync; echo filled; """ + PodHarness.Idle,
            extraContainerYaml: "      volumeMounts:\n        - {name: scratch, mountPath: /scratch}",
            extraSpecYaml: "  volumes:\n    - {name: scratch, emptyDir: {sizeLimit: 1Mi}}"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + pod.UnitJournalText());
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "failed", seconds: 60), pod.Show("ActiveState") + "\n" + pod.UnitJournalText());
        Assert.True(pod.UnitJournalHas(l => l.StartsWith("pod cfg-evict-bytes failed: evicted: emptyDir \"scratch\" holds 3", StringComparison.Ordinal)), pod.UnitJournalText());
    }
}

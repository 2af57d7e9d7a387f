namespace PodUnits.IntegrationTests.Runtime;

/// <summary>The containers of a pod share one /dev/shm, as on Kubernetes (POSIX shared memory
/// and named semaphores between sidecars): a file one container writes there, the other
/// reads, on the same file system (confinement review of 2026-12-07, finding 2).</summary>
public sealed class PodShmTests
{
    private const string Yaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: rt-shm
        spec:
          terminationGracePeriodSeconds: 3
          restartPolicy: Never
          containers:
            - name: a
              image: busybox
              command: ["sh", "-c"]
              args:
                - >-
                  echo shared-frame > /dev/shm/x; stat -c dev=%d /dev/shm;
                  df -k /dev/shm | tail -1 | awk '{print "shm-kb=" $2}'; echo a-done;
                  trap 'exit 0' TERM; sleep 1800 & wait
            - name: b
              image: busybox
              command: ["sh", "-c"]
              args:
                - >-
                  i=0; while [ ! -s /dev/shm/x ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done;
                  echo got=$(cat /dev/shm/x); stat -c dev=%d /dev/shm;
                  df -k /dev/shm | tail -1 | awk '{print "shm-kb=" $2}'; echo b-done;
                  trap 'exit 0' TERM; sleep 1801 & wait
        """;

    [Fact]
    public void ContainersOfAPodShareDevShm()
    {
        using var pod = new PodHarness("rt-shm", Yaml);
        pod.Start();
        string[] a = [], b = [];
        Assert.True(PodHarness.WaitFor(() => (b = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=b")).Contains("b-done")), pod.UnitJournalText());
        Assert.True(PodHarness.WaitFor(() => (a = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=a")).Contains("a-done")), pod.UnitJournalText());
        Assert.Contains("got=shared-frame", b);
        string devA = a.Single(l => l.StartsWith("dev=", StringComparison.Ordinal));
        Assert.Equal(devA, b.Single(l => l.StartsWith("dev=", StringComparison.Ordinal)));
        Assert.Contains("shm-kb=65536", a);
        Assert.Contains("shm-kb=65536", b);
    }
}

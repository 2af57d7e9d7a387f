namespace PodUnits.IntegrationTests.Runtime;

/// <summary>A volume at /etc does not hide the pod's /etc files: they are bound after the
/// volumes of depth 1, as containerd orders them (confinement review of 2026-12-07,
/// finding 8).</summary>
public sealed class EtcVolumeTests
{
    private const string Yaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: rt-etc-volume
        spec:
          terminationGracePeriodSeconds: 3
          restartPolicy: Never
          hostname: etcvol
          hostAliases:
            - ip: "10.1.2.4"
              hostnames: ["alias.internal"]
          dnsPolicy: None
          dnsConfig:
            nameservers: ["192.0.2.54"]
          volumes:
            - name: etc
              emptyDir: {}
          containers:
            - name: main
              image: busybox
              command: ["sh", "-c"]
              args:
                - >-
                  grep nameserver /etc/resolv.conf; grep alias.internal /etc/hosts | tr -s '\t' ' ';
                  echo host=$(cat /etc/hostname); echo done;
                  trap 'exit 0' TERM; sleep 1802 & wait
              volumeMounts:
                - name: etc
                  mountPath: /etc
        """;

    [Fact]
    public void AVolumeAtEtcKeepsThePodsEtcFiles()
    {
        using var pod = new PodHarness("rt-etc-volume", Yaml);
        pod.Start();
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Contains("done")), pod.UnitJournalText());
        Assert.Contains("nameserver 192.0.2.54", lines);
        Assert.Contains("10.1.2.4 alias.internal", lines);
        Assert.Contains("host=etcvol", lines);
    }
}

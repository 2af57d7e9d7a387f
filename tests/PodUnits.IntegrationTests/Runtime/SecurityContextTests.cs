namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// The pod's securityContext users and groups, through `systemctl start pod@NAME`: the
/// Kubernetes documentation's security-context example (runAsUser, runAsGroup, fsGroup) with
/// supplementalGroups, checked from inside (`id`, `stat`) and from the host (the files'
/// owners); runAsNonRoot refusing a root image before anything starts.
/// </summary>
public sealed class SecurityContextTests
{
    [Fact]
    public void FsGroupOwnsTheVolumesAndJoinsTheContainersGroups()
    {
        const string name = "rt-fsgroup";
        using var pod = new PodHarness(name, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              labels: {app: demo}
            spec:
              terminationGracePeriodSeconds: 2
              securityContext:
                runAsUser: 1000
                runAsGroup: 3000
                fsGroup: 2000
                supplementalGroups: [4000]
              volumes:
                - name: data
                  emptyDir: {}
                - name: mem
                  emptyDir: {medium: Memory}
                - name: store
                  persistentVolumeClaim: {claimName: rt-fsgroup-store}
                - name: info
                  downwardAPI:
                    items:
                      - path: labels
                        fieldRef: {fieldPath: metadata.labels}
              containers:
                - name: demo
                  image: busybox
                  command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(
                      "echo ids $(id -u) $(id -g); echo groups $(id -G); echo data $(stat -c '%g %a' /data/demo); echo mem $(stat -c '%g %a' /mem); "
                      + "echo info $(stat -L -c '%g %a' /info/labels); echo hello > /data/demo/file; echo file $(stat -c '%u %g' /data/demo/file); "
                      + "echo store $(stat -c '%g %a' /store); echo kept > /store/file && echo store-file $(stat -c '%u %g' /store/file); "
                      + "echo done; " + PodHarness.Idle)}}]
                  volumeMounts:
                    - {name: data, mountPath: /data/demo}
                    - {name: mem, mountPath: /mem}
                    - {name: info, mountPath: /info}
                    - {name: store, mountPath: /store}
                  securityContext:
                    allowPrivilegeEscalation: false
            """);
        using var claim = new ClaimCleanup("/var/lib/podunits/volumes/rt-fsgroup-store");
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=demo")).Contains("done")),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Contains("ids 1000 3000", lines);
        string[] groups = lines.Single(l => l.StartsWith("groups ", StringComparison.Ordinal)).Split(' ')[1..];
        Assert.Equal(["2000", "3000", "4000"], groups.Distinct().Order(StringComparer.Ordinal));
        // The kubelet's ownership: the group, setgid and group rw(x) on an emptyDir; group read
        // on a configuration volume's files.
        Assert.Contains("data 2000 2777", lines);
        Assert.Contains("mem 2000 3777", lines);
        Assert.Contains("info 2000 644", lines);
        Assert.Contains("file 1000 2000", lines); // setgid: a new file takes the volume's group
        Assert.Contains("store 2000 2775", lines); // a claim (podunits volume) the pod may write
        Assert.Contains("store-file 1000 2000", lines);
        // From the host: the same numbers (no user namespace: IDs are the host's).
        Assert.Equal("1000 2000", PodHarness.Run("stat", "-c", "%u %g", $"/var/lib/podunits/pods/{name}/volumes/data/file").Output.Trim());
    }

    [Fact]
    public void RunAsNonRootRefusesARootImageAndStartsNothing()
    {
        const string name = "rt-nonroot";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo must-not-run",
            extraSpecYaml: "  securityContext:\n    runAsNonRoot: true"));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.NotEqual(0, start.Code);
        Assert.Equal("failed", pod.Show("ActiveState"));
        Assert.Equal("2", pod.Show("ExecMainStatus")); // bad input
        // journald reads stage 0's datagram when it gets to it, maybe after systemctl returned.
        Assert.True(pod.UnitJournalHas(l => l.Contains("container main: runAsNonRoot is true but image busybox names no USER, so it runs as root", StringComparison.Ordinal)),
            pod.UnitJournalText());
        Assert.DoesNotContain("must-not-run", pod.Journal("-u", pod.Unit));
        Assert.False(PodHarness.MachineRegistered(name), "machine left registered");
    }

    /// <summary>This machine kind runs no LSM: a Localhost AppArmor profile or seLinuxOptions
    /// cannot be applied and are refused at their line; RuntimeDefault runs with a warning.</summary>
    [Fact]
    public void ACapabilityPodsRunWithoutIsRefusedNotTrimmedInSilence()
    {
        // pod@.service drops CAP_SYSLOG on every host: the container start used to trim it
        // away and run the container without it, with nothing said.
        const string name = "rt-cap-syslog";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo must-not-run",
            extraContainerYaml: "      securityContext:\n        capabilities: {add: [NET_ADMIN, SYSLOG]}"));
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.Equal("2", pod.Show("ExecMainStatus"));
        Assert.True(pod.UnitJournalHas(l => l.Contains(
            $"pod {name}: container main: securityContext.capabilities.add: CAP_SYSLOG cannot be granted: this host runs pods without it", StringComparison.Ordinal)),
            pod.UnitJournalText());
        Assert.DoesNotContain("must-not-run", pod.Journal("-u", pod.Unit));
        Assert.False(Directory.Exists($"/run/podunits/state/{name}"));
    }

    [Fact]
    public void LsmProfilesTheHostCannotApplyAreRefusedAtTheirLine()
    {
        Assert.False(File.Exists("/sys/kernel/security/lsm") && File.ReadAllText("/sys/kernel/security/lsm").Contains("apparmor", StringComparison.Ordinal),
            "this test expects a host without AppArmor");
        const string name = "rt-apparmor";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo must-not-run",
            extraContainerYaml: "      securityContext:\n        appArmorProfile: {type: Localhost, localhostProfile: k8s-apparmor-example-deny-write}"));
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.Equal("2", pod.Show("ExecMainStatus"));
        Assert.True(pod.UnitJournalHas(l => l.Contains(
            $"/etc/podunits/pods/{name}.yaml:14:62: pod {name}: container main: appArmorProfile Localhost \"k8s-apparmor-example-deny-write\": this host does not run AppArmor",
            StringComparison.Ordinal)), pod.UnitJournalText());

        const string labelled = "rt-selinux";
        using var selinux = new PodHarness(labelled, PodHarness.BusyboxPod(labelled, "echo must-not-run",
            extraSpecYaml: "  securityContext:\n    seLinuxOptions: {level: \"s0:c123,c456\"}"));
        Assert.NotEqual(0, selinux.Systemctl("start", selinux.Unit).Code);
        Assert.True(selinux.UnitJournalHas(l => l.Contains("seLinuxOptions: this host does not run SELinux", StringComparison.Ordinal)), selinux.UnitJournalText());

        const string runtimeDefault = "rt-apparmor-default";
        using var warned = new PodHarness(runtimeDefault, PodHarness.BusyboxPod(runtimeDefault, "echo ran; " + PodHarness.Idle,
            extraSpecYaml: "  securityContext:\n    appArmorProfile: {type: RuntimeDefault}"));
        var start = warned.Systemctl("start", warned.Unit);
        Assert.True(start.Code == 0, start.Output);
        Assert.True(warned.UnitJournalHas(l => l.Contains("appArmorProfile RuntimeDefault: this host does not run AppArmor; the container runs without an AppArmor profile", StringComparison.Ordinal)),
            warned.UnitJournalText());
    }

    /// <summary>Removes a named volume's directory, which outlives its pods by design.</summary>
    private sealed class ClaimCleanup(string path) : IDisposable
    {
        public void Dispose()
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }
}

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>What a container sees: volumes, credentials, capabilities, read-only root,
/// /etc files per dnsPolicy and hostAliases, /dev, hostname. Printed by the container, read
/// back from the journal.</summary>
public sealed class ContainerEnvironmentTests
{
    private const string Yaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: rt-env
        spec:
          terminationGracePeriodSeconds: 3
          hostname: envhost
          hostAliases:
            - ip: "10.1.2.3"
              hostnames: ["db.internal"]
          dnsPolicy: None
          dnsConfig:
            nameservers: ["192.0.2.53"]
            searches: ["pods.example"]
          volumes:
            - name: shared
              emptyDir: {}
            - name: mem
              emptyDir:
                medium: Memory
                sizeLimit: 8Mi
            - name: host
              hostPath:
                path: /tmp/rt-hostpath
          containers:
            - name: writer
              image: busybox
              command: ["sh", "-c", "echo from-writer > /shared/f; trap 'exit 0' TERM; sleep 1000 & wait"]
              volumeMounts:
                - name: shared
                  mountPath: /shared
            - name: probe
              image: busybox
              command: ["sh", "-c"]
              args:
                - >-
                  sleep 1; cat /shared/f; echo uid=$(id -u) gid=$(id -g);
                  grep -E 'CapBnd|NoNewPrivs' /proc/self/status | tr -s '\t' ' ';
                  touch /rootfile 2>/dev/null || echo root-is-ro;
                  touch /host/x 2>/dev/null || echo host-is-ro;
                  grep -v '^#' /etc/resolv.conf; grep db.internal /etc/hosts | tr -s '\t' ' ';
                  cat /host/marker; df -k /mem | tail -1 | awk '{print "mem-kb=" $2}';
                  echo dev=$(ls /dev | tr '\n' ' '); echo host=$(hostname); echo pid=$$;
                  trap 'exit 0' TERM; sleep 1000 & wait
              securityContext:
                runAsUser: 1000
                runAsGroup: 1000
                readOnlyRootFilesystem: true
                allowPrivilegeEscalation: false
              volumeMounts:
                - name: shared
                  mountPath: /shared
                - name: mem
                  mountPath: /mem
                - name: host
                  mountPath: /host
                  readOnly: true
        """;

    [Fact]
    public void ContainerSeesItsVolumesCredentialsAndFiles()
    {
        Directory.CreateDirectory("/tmp/rt-hostpath");
        File.WriteAllText("/tmp/rt-hostpath/marker", "host-marker\n");
        using var pod = new PodHarness("rt-env", Yaml);
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output);
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=probe")).Any(l => l.StartsWith("pid=", StringComparison.Ordinal))),
            string.Join('\n', lines) + string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Contains("from-writer", lines);
        Assert.Contains("uid=1000 gid=1000", lines);
        Assert.Contains("CapBnd: 00000000800405fb", lines); // podman's default set
        Assert.Contains("NoNewPrivs: 1", lines);
        Assert.Contains("root-is-ro", lines);
        Assert.Contains("host-is-ro", lines);
        Assert.Contains("nameserver 192.0.2.53", lines);
        Assert.Contains("search pods.example", lines);
        Assert.Contains("10.1.2.3 db.internal", lines);
        Assert.Contains("host-marker", lines);
        Assert.Contains("mem-kb=8192", lines);
        Assert.Equal("dev=fd full null ptmx pts random shm stderr stdin stdout tty urandom zero",
            lines.Single(l => l.StartsWith("dev=", StringComparison.Ordinal)).TrimEnd());
        Assert.Contains("host=envhost", lines);
    }

    [Fact]
    public void DnsConfigAddsToTheHostsResolversUnderTheDefaultPolicy()
    {
        using var pod = new PodHarness("rt-dns-merge", PodHarness.BusyboxPod("rt-dns-merge", "cat /etc/resolv.conf; echo done; " + PodHarness.Idle,
            extraSpecYaml: "  dnsConfig:\n    nameservers: [192.0.2.99]\n    searches: [extra.test]\n    options: [{name: ndots, value: \"5\"}]"));
        pod.Start();
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Contains("done")), pod.UnitJournalText());
        Assert.Contains("nameserver 192.0.2.99", lines);
        Assert.Contains(lines, l => l.StartsWith("search ", StringComparison.Ordinal) && l.EndsWith(" extra.test", StringComparison.Ordinal) || l == "search extra.test");
        Assert.Contains(lines, l => l.StartsWith("options ", StringComparison.Ordinal) && l.Contains("ndots:5", StringComparison.Ordinal));
        // The host's own servers come first (those the pod's network can reach).
        string[] servers = [.. lines.Where(l => l.StartsWith("nameserver ", StringComparison.Ordinal))];
        Assert.Equal("nameserver 192.0.2.99", servers[^1]);
    }

    [Fact]
    public void HostPathTypesCreateWhatIsMissingAndCheckWhatIsThere()
    {
        const string root = "/tmp/rt-hostpath-types";
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        using (var pod = new PodHarness("rt-hp-types", PodHarness.BusyboxPod("rt-hp-types", "echo in > /made/x; ls /made; stat -c %s /file; " + PodHarness.Idle,
            extraContainerYaml: "      volumeMounts:\n        - {name: made, mountPath: /made}\n        - {name: file, mountPath: /file}",
            extraSpecYaml: $"  volumes:\n    - name: made\n      hostPath: {{path: {root}/sub, type: DirectoryOrCreate}}\n"
                + $"    - name: file\n      hostPath: {{path: {root}/sub/f, type: FileOrCreate}}")))
        {
            pod.Start();
            Assert.True(PodHarness.WaitFor(() => File.Exists($"{root}/sub/x")), pod.UnitJournalText());
            Assert.Equal("in\n", File.ReadAllText($"{root}/sub/x"));
            Assert.Equal(0, new FileInfo($"{root}/sub/f").Length);
        }

        // Directory: something must be there already, and be a directory.
        using var missing = new PodHarness("rt-hp-missing", PodHarness.BusyboxPod("rt-hp-missing", PodHarness.Idle,
            extraContainerYaml: "      volumeMounts: [{name: d, mountPath: /d}]",
            extraSpecYaml: $"  volumes: [{{name: d, hostPath: {{path: {root}/none, type: Directory}}}}]"));
        Assert.NotEqual(0, missing.Systemctl("start", missing.Unit).Code);
        Assert.True(missing.UnitJournalHas(l => l.Contains($"pod rt-hp-missing: volume d: hostPath {root}/none (type Directory): nothing is there, not a directory",
            StringComparison.Ordinal)), missing.UnitJournalText());
        Assert.False(Directory.Exists($"{root}/none"));
    }

    /// <summary>Review of 2026-12-05: hostPath sources were looked up in the pod's mount
    /// namespace, where the pod's own /run, /var/log and os-release hide the host's: a socket
    /// under /run failed the start, and what a log shipper wrote to /var/log went to a tmpfs
    /// lost at the stop. They are the host's now, found through the host's own links
    /// (/var/run -> /run).</summary>
    [Fact]
    public void HostPathVolumesAreTheHostsEvenWhereThePodHasItsOwnMounts()
    {
        const string run = "/run/podunits-it-hostpath", log = "/var/log/podunits-it-hostpath";
        Directory.CreateDirectory(run);
        File.WriteAllText($"{run}/marker", "host-marker\n");
        if (Directory.Exists(log))
        {
            Directory.Delete(log, recursive: true);
        }
        Directory.CreateDirectory(log);
        string viaLink = Directory.ResolveLinkTarget("/var/run", returnFinalTarget: false) is null ? run : "/var/run/podunits-it-hostpath";
        try
        {
            using var pod = new PodHarness("rt-hp-host", PodHarness.BusyboxPod("rt-hp-host",
                "cat /m/marker; echo written > /logs/out; head -n 1 /osr; echo done; " + PodHarness.Idle,
                extraContainerYaml: "      volumeMounts:\n        - {name: m, mountPath: /m}\n        - {name: logs, mountPath: /logs}\n        - {name: osr, mountPath: /osr}",
                extraSpecYaml: $"  volumes:\n    - name: m\n      hostPath: {{path: {viaLink}, type: Directory}}\n"
                    + $"    - name: logs\n      hostPath: {{path: {log}}}\n"
                    + "    - name: osr\n      hostPath: {path: /etc/os-release, type: File}"));
            // Ordered after the mounts the sources live on, as Quadlet orders its volumes.
            Assert.Contains(log, pod.Show("RequiresMountsFor").Split(' '));
            pod.Start();
            string[] lines = [];
            Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Contains("done")), pod.UnitJournalText());
            Assert.Contains("host-marker", lines);
            Assert.Contains(File.ReadLines("/etc/os-release").First(), lines);
            Assert.True(pod.Systemctl("stop", pod.Unit).Code == 0);
            Assert.Equal("written\n", File.ReadAllText($"{log}/out"));
        }
        finally
        {
            Directory.Delete(run, recursive: true);
            Directory.Delete(log, recursive: true);
        }
    }

    /// <summary>A hostPath without a type whose path is not there fails the start naming it.</summary>
    [Fact]
    public void AMissingHostPathWithoutATypeFailsTheStartNamingIt()
    {
        using var pod = new PodHarness("rt-hp-gone", PodHarness.BusyboxPod("rt-hp-gone", PodHarness.Idle,
            extraContainerYaml: "      volumeMounts: [{name: d, mountPath: /d}]",
            extraSpecYaml: "  volumes: [{name: d, hostPath: {path: /tmp/rt-hp-gone-nothing}}]"));
        Assert.NotEqual(0, pod.Systemctl("start", pod.Unit).Code);
        Assert.True(pod.UnitJournalHas(l => l.Contains("pod rt-hp-gone: volume d: hostPath /tmp/rt-hp-gone-nothing: nothing is there on the host", StringComparison.Ordinal)),
            pod.UnitJournalText());
    }

    /// <summary>Review of 2026-12-05: every container had a tmpfs on /run and /tmp, which hid
    /// what the image ships there (a postgres image's /var/run/postgresql, owned by its user),
    /// and stayed writable under readOnlyRootFilesystem. They are the image's now, in the
    /// container's writable layer, as containerd and CRI-O leave them.</summary>
    [Fact]
    public void RunAndTmpAreTheImagesOwn()
    {
        string root = Confinement.HostileBinaries.Rootfs("run-tmp-root");
        Directory.CreateDirectory($"{root}/run/app");
        File.WriteAllText($"{root}/run/app/marker", "shipped-in-run\n");
        File.WriteAllText($"{root}/tmp/seed", "shipped-in-tmp\n");
        File.SetUnixFileMode($"{root}/tmp", (UnixFileMode)0x3ff); // 1777
        File.SetUnixFileMode($"{root}/run/app", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(0, PodHarness.Run("chown", "-R", "999:999", $"{root}/run/app").Code);
        const string name = "rt-run-tmp";
        string yaml = $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              terminationGracePeriodSeconds: 2
              volumes: [{name: scratch, emptyDir: {} }]
              containers:
                - name: main
                  image: dir:{{root}}
                  securityContext: {runAsUser: 999, runAsGroup: 999}
                  command: ["sh", "-c"]
                  args:
                    - >-
                      cat /run/app/marker; echo $$ > /run/app/app.pid && echo pid-written; cat /tmp/seed;
                      awk '$5 == "/run" || $5 == "/tmp" { print "mount at " $5 }' /proc/self/mountinfo;
                      echo done; {{PodHarness.Idle}}
                - name: ro
                  image: dir:{{root}}
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts: [{name: scratch, mountPath: /tmp}]
                  command: ["sh", "-c"]
                  args:
                    - >-
                      touch /run/x 2>/dev/null || echo run-is-ro; touch /tmp/x && echo tmp-volume-writable;
                      for f in hosts hostname resolv.conf; do (echo >> /etc/$f) 2>/dev/null || echo $f-is-ro; done;
                      echo done; {{PodHarness.Idle}}
            """;
        using var pod = new PodHarness(name, yaml);
        string[] main = Confinement.HostilePods.RunUntil(pod, "done");
        string why = Confinement.HostilePods.Explain(pod, main);
        Assert.True(main.Contains("shipped-in-run"), "the image's /run/app is hidden.\n" + why);
        Assert.True(main.Contains("pid-written"), "the image's user cannot write its own /run/app.\n" + why);
        Assert.True(main.Contains("shipped-in-tmp"), "the image's /tmp is hidden.\n" + why);
        Assert.False(main.Any(l => l.StartsWith("mount at ", StringComparison.Ordinal)), "a file system is mounted on /run or /tmp.\n" + why);
        string[] ro = [];
        Assert.True(PodHarness.WaitFor(() => (ro = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=ro")).Contains("done")), pod.UnitJournalText());
        Assert.Contains("run-is-ro", ro);
        Assert.Contains("tmp-volume-writable", ro);
        // The pod's /etc files too (review of 2026-12-06: they were bound writable), as
        // containerd mounts them for a read-only root; the main container may write them.
        Assert.Equal(["hosts-is-ro", "hostname-is-ro", "resolv.conf-is-ro"], ro.Where(l => l.EndsWith("-is-ro", StringComparison.Ordinal) && l != "run-is-ro"));
    }
}

using System.Globalization;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.UserNamespaces;

/// <summary>
/// Issue 20's hostUsers: false through `systemctl start pod@NAME`: root inside is a range of
/// unprivileged host IDs the pod keeps, image files keep the image's owners (idmapped
/// layers), and what the pod writes holds its mapped IDs on the host.
/// </summary>
public sealed class UserNamespaceTests
{
    private const string RangeDir = "/var/lib/podunits/userns";

    private static string UsersPod(string name, string command, string extraContainerYaml = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          hostUsers: false
          terminationGracePeriodSeconds: 2
          restartPolicy: Never
          volumes:
            - name: data
              emptyDir: {}
            - name: config
              configMap:
                name: {{name}}-config
          containers:
            - name: main
              image: busybox
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
              volumeMounts:
                - {name: data, mountPath: /data}
                - {name: data, mountPath: /srv/app/cache, subPath: cache}
                - {name: config, mountPath: /config}
        {{extraContainerYaml}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{name}}-config
        data:
          greeting: hello
        """;

    /// <summary>The pod's range as PodUnits keeps it: (first host ID, size).</summary>
    private static (uint First, uint Size) RangeOf(string pod)
    {
        string[] words = File.ReadAllText($"{RangeDir}/{pod}").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (uint.Parse(words[0], CultureInfo.InvariantCulture), uint.Parse(words[1], CultureInfo.InvariantCulture));
    }

    private static string[] RunUntilDone(PodHarness pod)
    {
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, $"{start.Output}\n{string.Join('\n', pod.Journal("-u", pod.Unit))}");
        string[] lines = [];
        Assert.True(PodHarness.WaitFor(() => (lines = pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main")).Contains("done")),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        return lines;
    }

    [Fact]
    public void RootInsideIsThePodsRangeOnTheHostAndImageFilesKeepTheirOwners()
    {
        const string name = "userns-basic";
        using var pod = new PodHarness(name, UsersPod(name,
            "echo id $(id -u) $(id -g); echo map $(cat /proc/self/uid_map); echo gmap $(cat /proc/self/gid_map); " +
            "echo image $(stat -c '%u %g' /bin/busybox /etc/passwd); echo config $(stat -L -c '%u' /config/greeting); " +
            "echo root-dir $(stat -c '%u %g' /); echo made $(stat -c '%u %g' /srv/app /data/cache); echo written > /written; echo kept > /data/file; " +
            "echo files $(stat -c '%u %g' /written /data/file); " +
            "su -s /bin/sh nobody -c 'echo nobody > /tmp/nobody; echo nobody-id $(id -u)' 2>&1; echo done; " + PodHarness.Idle));
        string[] lines = RunUntilDone(pod);
        (uint first, uint size) = RangeOf(name);
        Assert.Equal(65536u, size);
        Assert.True(first >= 65536, $"range {first}");
        // Inside: root, with the pod's map, and the image's own owners.
        Assert.Contains("id 0 0", lines);
        Assert.Contains($"map 0 {first} 65536", lines);
        Assert.Contains($"gmap 0 {first} 65536", lines);
        Assert.Contains("image 0 0 0 0", lines);
        Assert.Contains("config 0", lines); // configuration volumes are idmapped
        Assert.Contains("root-dir 0 0", lines);
        Assert.Contains("made 0 0 0 0", lines); // a mount point's missing parent and a missing subPath are root's inside
        Assert.Contains("files 0 0 0 0", lines);
        Assert.Contains("nobody-id 65534", lines); // an image user other than root is mapped too
        // From the host: the container runs as, and its files belong to, the pod's host IDs.
        string pid = PodHarness.Run("pgrep", "-f", "-x", "sleep 1000", "-U", first.ToString(CultureInfo.InvariantCulture)).Output.Trim();
        Assert.False(string.IsNullOrEmpty(pid), PodHarness.Run("ps", "-eo", "uid,pid,args").Output);
        string state = $"/var/lib/podunits/pods/{name}";
        Assert.Equal($"{first} {first}", PodHarness.Run("stat", "-c", "%u %g", $"{state}/volumes/data/file").Output.Trim());
        Assert.Equal($"{first} {first}", PodHarness.Run("stat", "-c", "%u %g", $"{state}/containers/main/upper/written").Output.Trim());
        // The image store itself was never chowned: its files are still host root's.
        Assert.Empty(PodHarness.Run("find", "/var/lib/podunits/layers", "-uid", first.ToString(CultureInfo.InvariantCulture), "-print", "-quit").Output.Trim());
        // podunits status shows the mapping.
        Assert.Contains($"IDs 0-65535 → host {first}-{first + 65535}", PodHarness.StatusText(name), StringComparison.Ordinal);
        var json = System.Text.Json.Nodes.JsonNode.Parse(PodHarness.Run("podunits", "status", name, "--output", "json").Output)!;
        Assert.Equal(first, (uint)json["users"]!["hostFirst"]!);
        Assert.Equal(65536u, (uint)json["users"]!["size"]!);
    }

    [Fact]
    public void TwoPodsGetDisjointRangesAndAPodKeepsItsRangeAcrossRestarts()
    {
        using var a = new PodHarness("userns-a", UsersPod("userns-a", "echo done; " + PodHarness.Idle));
        using var b = new PodHarness("userns-b", UsersPod("userns-b", "echo done; " + PodHarness.Idle));
        RunUntilDone(a);
        RunUntilDone(b);
        (uint firstA, _) = RangeOf("userns-a");
        (uint firstB, _) = RangeOf("userns-b");
        Assert.True(firstA + 65536 <= firstB || firstB + 65536 <= firstA, $"{firstA} and {firstB} overlap");
        Assert.Equal(0, a.Systemctl("restart", a.Unit).Code);
        Assert.Equal(firstA, RangeOf("userns-a").First);
    }

    [Fact]
    public void ANonRootUserAndFsGroupMapIntoTheRange()
    {
        const string name = "userns-user";
        using var pod = new PodHarness(name, UsersPod(name,
            "echo id $(id -u) $(id -g) $(id -G); touch /data/mine; echo mine $(stat -c '%u %g' /data/mine); " +
            "echo cache $(stat -c %g /srv/app/cache); touch /srv/app/cache/f; echo cachefile $(stat -c %g /srv/app/cache/f); echo done; " + PodHarness.Idle,
            "      securityContext:\n        runAsUser: 1000\n        runAsGroup: 3000").Replace("  hostUsers: false\n", "  hostUsers: false\n  securityContext:\n    fsGroup: 2000\n", StringComparison.Ordinal));
        string[] lines = RunUntilDone(pod);
        (uint first, _) = RangeOf(name);
        Assert.Contains("mine 1000 2000", lines); // the emptyDir's setgid group
        // A subPath PodUnits made in that emptyDir keeps fsGroup too, and so what is made in it
        // (user-namespace review of 2026-12-07, finding 2: both were group 0).
        Assert.Contains("cache 2000", lines);
        Assert.Contains("cachefile 2000", lines);
        Assert.Equal($"{first + 1000} {first + 2000}",
            PodHarness.Run("stat", "-c", "%u %g", $"/var/lib/podunits/pods/{name}/volumes/data/mine").Output.Trim());
        string pid = PodHarness.Run("pgrep", "-f", "-x", "sleep 1000", "-U", (first + 1000).ToString(CultureInfo.InvariantCulture)).Output.Trim();
        Assert.False(string.IsNullOrEmpty(pid), PodHarness.Run("ps", "-eo", "uid,pid,args").Output);
    }

    [Fact]
    public void ExecProbesAndEnterJoinThePodsUserNamespace()
    {
        const string name = "userns-exec";
        using var pod = new PodHarness(name, UsersPod(name, "echo done; " + PodHarness.Idle,
            "      readinessProbe:\n        exec:\n          command: [\"sh\", \"-c\", \"test \\\"$(id -u)\\\" = 0 && grep -q '^ *0 *[1-9]' /proc/self/uid_map\"]\n        periodSeconds: 1"));
        RunUntilDone(pod); // Type=notify: started means the readiness probe passed inside the namespace
        (uint first, _) = RangeOf(name);
        var enter = PodHarness.Run("podunits", "enter", name, "--", "cat", "/proc/self/uid_map");
        Assert.True(enter.Code == 0, enter.Output);
        Assert.Equal($"0 {first} 65536", string.Join(' ', enter.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim());
        // On a terminal (script(1)): a pty of the container's own devpts, whose tty group is the
        // pod's 5, opened as the namespace's root.
        var tty = PodHarness.Run("script", "-qec", $"podunits enter {name} -- sh -c 'echo tty $(tty) $(stat -c %g $(tty)) $(id -u)'", "/dev/null");
        Assert.True(tty.Code == 0, tty.Output);
        Assert.Contains("tty /dev/pts/0 5 0", tty.Output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
    [Fact]
    public void MachinedKnowsThePodsUidShiftFromALeaderInsideAndMachinectlStillStopsAndRestartsIt()
    {
        const string name = "userns-machine";
        using var pod = new PodHarness(name, UsersPod(name, "echo boot; echo done; " + PodHarness.Idle));
        RunUntilDone(pod);
        (uint first, _) = RangeOf(name);
        string F(uint id) => id.ToString(CultureInfo.InvariantCulture);
        // machined's leader is in the pod's user namespace, as its root: an unprivileged host ID.
        string leader = PodHarness.Run("machinectl", "show", "-p", "Leader", "--value", name).Output.Trim();
        Assert.Matches("^[0-9]+$", leader);
        Assert.Equal($"0 {first} 65536", string.Join(' ', File.ReadAllText($"/proc/{leader}/uid_map").Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim());
        Assert.Equal(F(first), PodHarness.Run("stat", "-c", "%u", $"/proc/{leader}").Output.Trim());
        // ...so machined knows the shift (its D-Bus API) and its userdb names the pod's IDs on
        // the host (nss-systemd: "vu-POD-ID"), as for an nspawn container with --private-users.
        var shift = PodHarness.Run("busctl", "call", "org.freedesktop.machine1", "/org/freedesktop/machine1",
            "org.freedesktop.machine1.Manager", "GetMachineUIDShift", "s", name);
        Assert.True(shift.Code == 0, shift.Output);
        Assert.Equal($"u {first}", shift.Output.Trim());
        var user = PodHarness.Run("getent", "passwd", F(first + 1000));
        Assert.True(user.Code == 0, $"getent passwd {first + 1000}: {user.Output}");
        Assert.StartsWith($"vu-{name}-1000:", user.Output, StringComparison.Ordinal);
        // podunits status still finds the container's process (a child of the pod init).
        // Its command is the shell whose child sleeps.
        // "done" reaches the journal about when the shell forks the sleep: wait for it to exist.
        string sleeping = "";
        Assert.True(PodHarness.WaitFor(() => (sleeping = PodHarness.Run("pgrep", "-f", "-x", "sleep 1000", "-U", F(first)).Output.Trim()).Length > 0),
            "no sleep 1000 of the pod's root");
        string shell = PodHarness.Run("ps", "-o", "ppid=", "-p", sleeping).Output.Trim();
        var status = System.Text.Json.Nodes.JsonNode.Parse(PodHarness.Run("podunits", "status", name, "--output", "json").Output)!;
        Assert.Equal(shell, status["containers"]![0]!["pid"]?.ToString());
        // machinectl reboot and poweroff signal the leader: the pod restarts, then stops.
        int before = pod.MainPid;
        var reboot = PodHarness.Run("machinectl", "reboot", name);
        Assert.True(reboot.Code == 0, reboot.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "active" && pod.MainPid != before && pod.MainPid != 0
                && pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main").Count(l => l == "boot") == 2),
            $"{pod.Show("ActiveState")} {pod.MainPid}\n{string.Join('\n', pod.Journal("-u", pod.Unit))}");
        var poweroff = PodHarness.Run("machinectl", "poweroff", name);
        Assert.True(poweroff.Code == 0, poweroff.Output);
        Assert.True(PodHarness.WaitFor(() => pod.Show("ActiveState") == "inactive"), pod.Show("ActiveState"));
        Assert.Equal("0", pod.Show("ExecMainStatus"));
    }
    [Fact]
    public void ProcMountUnmaskedLeavesProcOpenAndTheKernelStillGuardsTheHostsSettings()
    {
        const string name = "userns-unmasked";
        // Harmless when the guard fails: the sysctl gets its own value back, sysrq 'h' prints help.
        using var pod = new PodHarness(name, UsersPod(name,
            "echo kcore-mounts $(grep -c ' /proc/kcore ' /proc/self/mountinfo); echo sys-mounts $(grep -c ' /proc/sys ' /proc/self/mountinfo); " +
            "cat /proc/sys/kernel/panic > /proc/sys/kernel/panic 2>/dev/null && echo sysctl-written || echo sysctl-refused; " +
            "echo h > /proc/sysrq-trigger 2>/dev/null && echo sysrq-written || echo sysrq-refused; " +
            "head -c 1 /proc/kcore >/dev/null 2>&1 && echo kcore-read || echo kcore-refused; echo done; " + PodHarness.Idle,
            "      securityContext:\n        procMount: Unmasked"));
        string[] lines = RunUntilDone(pod);
        // Nothing is masked or made read-only over /proc...
        Assert.Contains("kcore-mounts 0", lines);
        Assert.Contains("sys-mounts 0", lines);
        // ...and container root, not the host's, still cannot reach what the masks hid.
        Assert.Contains("sysctl-refused", lines);
        Assert.Contains("sysrq-refused", lines);
        Assert.Contains("kcore-refused", lines);
    }

    /// <summary>User-namespace review of 2026-12-06, finding 1: a volume mounted inside a
    /// hostPath of a pod with its own user namespace failed with EOVERFLOW, its mountpoint
    /// made as host root in the idmapped volume. The hostPath is on the sandbox's /tmp, a
    /// tmpfs (its overlayfs root cannot be idmapped).</summary>
    [Fact]
    public void AVolumeInsideAHostPathGetsItsMountpointMadeAsTheNamespacesRoot()
    {
        const string name = "userns-nested";
        string host = $"/tmp/podunits-{name}";
        PodHarness.Run("rm", "-rf", host);
        Directory.CreateDirectory(host);
        // An application user's directory (0755): made as the namespace's root, the mountpoint
        // needs that root's CAP_DAC_OVERRIDE over it, as runc has it.
        Assert.Equal(0, PodHarness.Run("chown", "1000:1000", host).Code);
        try
        {
            using var pod = new PodHarness(name, $$"""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {{name}}
                spec:
                  hostUsers: false
                  terminationGracePeriodSeconds: 2
                  restartPolicy: Never
                  volumes:
                    - name: data
                      hostPath: {path: {{host}}, type: Directory}
                    - name: cache
                      emptyDir: {}
                  containers:
                    - name: main
                      image: busybox
                      command: ["sh", "-c", "echo owner $(stat -c %u /data/cache) mounted $(grep -c ' /data/cache ' /proc/self/mountinfo); echo done; exec sleep 3930"]
                      volumeMounts:
                        - {name: data, mountPath: /data}
                        - {name: cache, mountPath: /data/cache}
                """);
            string[] lines = RunUntilDone(pod);
            Assert.Contains("owner 0 mounted 1", lines);
            Assert.Equal(0, OwnerOf($"{host}/cache")); // on disk host root, root inside: as runc makes it
        }
        finally
        {
            PodHarness.Run("rm", "-rf", host);
        }
    }

    /// <summary>User-namespace review of 2026-12-06, finding 7: status read the user namespace
    /// from the current definition, not from what the running pod was started with.</summary>
    [Fact]
    public void StatusShowsTheUserNamespaceTheRunningPodWasStartedWith()
    {
        const string name = "userns-status";
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, PodHarness.Idle, extraSpecYaml: "  hostUsers: false"));
        pod.Start();
        Assert.Contains("Users: own user namespace", PodHarness.StatusText(name), StringComparison.Ordinal);
        pod.Redefine(PodHarness.BusyboxPod(name, PodHarness.Idle, extraSpecYaml: "  hostUsers: true"));
        Assert.Contains("Users: own user namespace", PodHarness.StatusText(name), StringComparison.Ordinal); // still what runs
    }

    private static int OwnerOf(string path) =>
        int.Parse(PodHarness.Run("stat", "-c", "%u", path).Output.Trim(), CultureInfo.InvariantCulture);
}

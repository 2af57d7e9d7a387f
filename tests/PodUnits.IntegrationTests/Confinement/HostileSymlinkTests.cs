using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// Images whose directories are symlinks out of their root (issue 16): the files PodUnits
/// writes into the root (/etc/hosts, /etc/hostname, /etc/resolv.conf) and the volume mount
/// targets must be resolved inside the container's root. The container sees them, and
/// nothing appears on the host (the sandbox) at the links' targets.
/// </summary>
/// <remarks>
/// /run of the host is not the pod's (the pod init mounts its own), so a runtime that
/// follows /var/run -> /run from outside the root puts the volume in the pod's /run, where
/// the container does not see it; the host check is there for a runtime without that.
/// </remarks>
public sealed class HostileSymlinkTests
{
    [Fact]
    public void EtcLinkedOutOfTheRootGetsItsFilesAndVolumesInsideTheContainer()
    {
        // The link's target exists on the host too (as /tmp does): a runtime that follows
        // the link from outside the root creates files there instead of failing.
        const string target = "/tmp/hostile-etc-link";
        RemoveIfThere(target);
        Directory.CreateDirectory(target);
        string root = HostileBinaries.Rootfs("etc-link-root");
        Directory.Delete($"{root}/etc", recursive: true);
        File.CreateSymbolicLink($"{root}/etc", target);
        using var pod = new PodHarness("hostile-etclink", Pod("hostile-etclink", root, "/etc/hostile-conf",
            "grep hostile-alias /etc/hosts | tr -s '\\t ' ' '; echo hostname=$(cat /etc/hostname); grep nameserver /etc/resolv.conf; "
            + "cat /etc/hostile-conf/marker; echo done"));
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);
        string[] created = Directory.GetFileSystemEntries(target);
        Assert.True(created.Length == 0, $"PodUnits created {string.Join(", ", created)} on the host: the image's /etc -> {target} "
            + $"was followed outside the container's root.\n\n{why}");
        Assert.True(lines.Contains("192.0.2.77 hostile-alias"), "the container has no /etc/hosts of its pod.\n" + why);
        Assert.True(lines.Contains("hostname=hostile-etclink"), "the container has no /etc/hostname of its pod.\n" + why);
        Assert.True(lines.Contains("nameserver 192.0.2.53"), "the container has no /etc/resolv.conf of its pod.\n" + why);
        Assert.True(lines.Contains("hostile-marker"), "the container does not see its volume at /etc/hostile-conf.\n" + why);
    }

    [Fact]
    public void VarRunLinkedToRunGetsItsVolumeInsideTheContainer()
    {
        string root = HostileBinaries.Rootfs("var-run-link-root");
        Directory.CreateDirectory($"{root}/var");
        File.CreateSymbolicLink($"{root}/var/run", "/run");
        const string hostTarget = "/run/hostile-vol";
        RemoveIfThere(hostTarget);
        using var pod = new PodHarness("hostile-varrun", Pod("hostile-varrun", root, "/var/run/hostile-vol",
            "cat /var/run/hostile-vol/marker; awk '$5 == \"/run/hostile-vol\" { print \"mounted at \" $5 }' /proc/self/mountinfo; echo done"));
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);
        Assert.False(Path.Exists(hostTarget), $"PodUnits created {hostTarget} on the host.\n{why}");
        Assert.True(lines.Contains("hostile-marker"), "the container does not see its volume at /var/run/hostile-vol.\n" + why);
        Assert.True(lines.Contains("mounted at /run/hostile-vol"), "the volume is not mounted at the container's /run/hostile-vol.\n" + why);
    }

    /// <summary>Review of 2026-12-05: the rule that keeps volumes out of /proc looked at the
    /// mountPath as written, and an image's link (/opt/knobs -> /proc/sys/kernel) sent the
    /// volume onto the container's procfs all the same.</summary>
    [Fact]
    public void AVolumeCannotReachProcThroughALinkOfTheImage()
    {
        string root = HostileBinaries.Rootfs("proc-link-root");
        Directory.CreateDirectory($"{root}/opt");
        File.CreateSymbolicLink($"{root}/opt/knobs", "/proc/sys/kernel");
        using var pod = new PodHarness("hostile-proclink", Pod("hostile-proclink", root, "/opt/knobs", "ls /opt/knobs; echo done"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.UnitJournalHas(l => l.Contains(
            "volumeMounts /opt/knobs: leads into /proc through a symbolic link of the image", StringComparison.Ordinal)), seconds: 30),
            pod.UnitJournalText());
        Assert.DoesNotContain("done", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main"));
    }

    /// <summary>Confinement review of 2026-12-07, finding 2: the pod's /etc files skipped that
    /// rule, and an image's /etc/hostname -> /proc/sys/kernel/hostname had the pod's file
    /// mounted over the container's procfs.</summary>
    [Fact]
    public void ThePodsEtcFilesCannotReachProcThroughALinkOfTheImage()
    {
        string root = HostileBinaries.Rootfs("etc-proc-link-root");
        Directory.CreateDirectory($"{root}/etc");
        File.Delete($"{root}/etc/hostname");
        File.CreateSymbolicLink($"{root}/etc/hostname", "/proc/sys/kernel/hostname");
        using var pod = new PodHarness("hostile-etcproc", Pod("hostile-etcproc", root, "/opt/vol", "cat /proc/sys/kernel/hostname; echo done"));
        pod.Systemctl("start", pod.Unit);
        Assert.True(PodHarness.WaitFor(() => pod.UnitJournalHas(l => l.Contains(
            "/etc/hostname of the image: leads into /proc through a symbolic link of the image; the pod's /etc/hostname cannot be mounted there",
            StringComparison.Ordinal)), seconds: 30), pod.UnitJournalText());
        Assert.DoesNotContain("done", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=main"));
    }

    private static void RemoveIfThere(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>A dir: image pod with a hostPath volume (holding "marker") at
    /// <paramref name="mountPath"/>, a host alias and a name server to look for.</summary>
    private static string Pod(string name, string root, string mountPath, string command)
    {
        string volume = HostileBinaries.FreshDir($"{name}-volume");
        File.WriteAllText($"{volume}/marker", "hostile-marker\n");
        return HostilePods.Pod(name, $$"""
              hostAliases:
                - {ip: "192.0.2.77", hostnames: ["hostile-alias"]}
              dnsPolicy: None
              dnsConfig:
                nameservers: ["192.0.2.53"]
              volumes:
                - name: vol
                  hostPath:
                    path: {{volume}}
              containers:
                - name: main
                  image: dir:{{root}}
                  command: ["/bin/sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
                  volumeMounts:
                    - {name: vol, mountPath: {{mountPath}}, readOnly: true}
            """);
    }
}

using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// A readOnly hostPath volume of a host directory that has a submount (a tmpfs mounted on
/// a subdirectory in the sandbox before the pod starts): issue 16 wants it read-only all the
/// way down and nodev, not read-only only at the top mount.
/// </summary>
public sealed class HostileVolumeTests : IDisposable
{
    private readonly string _source;
    private readonly string _submount;

    public HostileVolumeTests()
    {
        _source = HostileBinaries.FreshDir($"ro-volume-{Guid.NewGuid():N}");
        _submount = $"{_source}/sub";
        Directory.CreateDirectory(_submount);
        // Mounted without nodev on purpose: the volume's mount must add it.
        var mount = PodHarness.Run("mount", "-t", "tmpfs", "-o", "size=1m", "hostile-sub", _submount);
        Assert.True(mount.Code == 0, mount.Output);
    }

    public void Dispose() => PodHarness.Run("umount", "-l", _submount);

    [Fact]
    public void ReadOnlyHostPathIsReadOnlyIntoItsSubmounts()
    {
        using var pod = new PodHarness("hostile-rosub", Pod("hostile-rosub",
            "for f in /vol/top /vol/sub/f; do if touch $f 2>/tmp/err; then echo \"write $f: written\"; else echo \"write $f: $(cat /tmp/err)\"; fi; done; echo done"));
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);
        Assert.True(lines.Contains("done"), why);
        Assert.Contains("Read-only file system", lines.Single(l => l.StartsWith("write /vol/top:", StringComparison.Ordinal)), StringComparison.Ordinal);
        string sub = lines.Single(l => l.StartsWith("write /vol/sub/f:", StringComparison.Ordinal));
        Assert.True(sub.Contains("Read-only file system", StringComparison.Ordinal), $"the submount is writable: {sub}\n\n{why}");
        Assert.False(File.Exists($"{_submount}/f"), "the container wrote into the host's submount");
    }

    [Fact]
    public void ReadOnlyVolumeIsMountedReadOnlyAndNodevAllTheWayDown()
    {
        using var pod = new PodHarness("hostile-romnt", Pod("hostile-romnt",
            "awk '$5 == \"/vol\" || index($5, \"/vol/\") == 1 { print \"mount \" $5 \" \" $6 }' /proc/self/mountinfo; echo done"));
        string[] lines = HostilePods.RunUntil(pod, "done");
        string why = HostilePods.Explain(pod, lines);
        string[] mounts = [.. lines.Where(l => l.StartsWith("mount /vol", StringComparison.Ordinal))];
        Assert.True(mounts.Any(m => m.StartsWith("mount /vol ", StringComparison.Ordinal)), why);
        Assert.True(mounts.Any(m => m.StartsWith("mount /vol/sub ", StringComparison.Ordinal)), why);
        foreach (string m in mounts)
        {
            string[] options = m.Split(' ')[2].Split(',');
            Assert.True(options.Contains("ro") && options.Contains("nodev"), $"{m}: not ro and nodev (/proc/self/mountinfo's per-mount options)\n\n{why}");
        }
    }

    private string Pod(string name, string command) => HostilePods.Pod(name, $$"""
          volumes:
            - name: vol
              hostPath:
                path: {{_source}}
          containers:
            - name: main
              image: busybox
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
              volumeMounts:
                - {name: vol, mountPath: /vol, readOnly: true}
        """);
}

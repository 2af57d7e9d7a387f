using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// The hostile-container suite's programs (tests/hostile: the static escape probe, a
/// dynamically linked program and an LD_PRELOAD library), compiled once per test run with
/// the sandbox's gcc, and the host directories and root filesystems the pods use. Everything
/// lives under <see cref="Base"/>, a fresh directory of the sandbox host.
/// </summary>
internal static class HostileBinaries
{
    public const string Base = "/var/tmp/podunits-hostile";
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The directory holding escape-probe, hostile-whoami and hostile-preload.so.</summary>
    public static string BinDir => Built.Value;

    /// <summary>A fresh, empty host directory <see cref="Base"/>/NAME.</summary>
    public static string FreshDir(string name)
    {
        _ = BinDir; // the first build empties Base
        string dir = $"{Base}/{name}";
        Checked("rm", "-rf", dir);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A busybox root filesystem for <c>image: dir:</c>, with hostile-whoami, its libc
    /// and /lib/hostile-preload.so (tests/hostile/rootfs.sh).</summary>
    public static string Rootfs(string name)
    {
        string root = FreshDir(name);
        Checked(Script("rootfs.sh"), root, BinDir);
        return root;
    }

    /// <summary>
    /// MAJOR:MINOR of a block device of this machine's disk: the first mount of a disk
    /// filesystem (the sandbox binds the checkout and /var/lib/podunits from it), from
    /// /proc/self/mountinfo (proc(5): field 3, and the source after " - TYPE").
    /// </summary>
    public static string RootDiskDevice()
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (dash > 0 && dash + 2 < fields.Length && fields[dash + 1] is "ext4" or "xfs" or "ext3" or "ext2"
                && fields[dash + 2].StartsWith("/dev/", StringComparison.Ordinal) && !fields[2].StartsWith("0:", StringComparison.Ordinal))
            {
                return fields[2];
            }
        }
        throw new InvalidOperationException("no disk filesystem in /proc/self/mountinfo");
    }

    /// <summary>
    /// MAJOR:MINOR of an unbound loop device (no loop/ directory in sysfs, size 0), the
    /// highest-numbered, which `losetup -f` takes last: this machine lets its root open one
    /// while it keeps the root disk closed to everyone, so the device check can fail here.
    /// </summary>
    public static string UnusedLoopDevice()
    {
        string? free = Directory.GetDirectories("/sys/block", "loop*")
            .Where(d => !Directory.Exists($"{d}/loop") && File.ReadAllText($"{d}/size").Trim() == "0")
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d)[4..], out int n) ? n : -1)
            .FirstOrDefault();
        return free is null
            ? throw new InvalidOperationException("no unbound loop device in /sys/block")
            : File.ReadAllText($"{free}/dev").Trim();
    }

    private static string Build()
    {
        Checked("rm", "-rf", Base);
        string bin = $"{Base}/bin";
        Checked(Script("build.sh"), bin);
        return bin;
    }

    private static string Script(string name) => Path.Combine(PodUnits.UnitTests.RepoRoot.Path, "tests", "hostile", name);

    private static void Checked(string file, params string[] args)
    {
        var run = PodHarness.Run(file, args);
        if (run.Code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({run.Code}): {run.Output}");
        }
    }
}

using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The du that enforces an on-disk emptyDir's sizeLimit: allocated blocks, a
/// hard link once, symlinks not followed; and the first volume over its limit.</summary>
public sealed class EmptyDirLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-du-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("podunits-du-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private static unsafe void Link(string existing, string path)
    {
        using var from = new PodUnits.Core.Native.CString(existing);
        using var to = new PodUnits.Core.Native.CString(path);
        Assert.Equal(0, Tmds.Linux.LibC.link(from, to));
    }

    private static void Write(string path, int bytes) => File.WriteAllBytes(path, Enumerable.Repeat((byte)7, bytes).ToArray());

    [Fact]
    public void CountsAllocatedBytesOnceAndNeverFollowsLinks()
    {
        long empty = PodUnits.Runtime.State.DiskUsage.Of(_dir);
        Directory.CreateDirectory($"{_dir}/a/b");
        Write($"{_dir}/a/b/data", 1 << 20);
        long withData = PodUnits.Runtime.State.DiskUsage.Of(_dir);
        Assert.InRange(withData - empty, 1 << 20, (1 << 20) + (64 << 10)); // the file, plus two directories' blocks

        File.CreateSymbolicLink($"{_dir}/a/inside-link", $"{_dir}/a/b/data");
        Link($"{_dir}/a/b/data", $"{_dir}/hardlink"); // the same inode again
        Write($"{_outside}/big", 4 << 20);
        File.CreateSymbolicLink($"{_dir}/outside", $"{_outside}/big");
        Directory.CreateSymbolicLink($"{_dir}/outside-dir", _outside);
        Assert.InRange(PodUnits.Runtime.State.DiskUsage.Of(_dir), withData, withData + (16 << 10)); // links' own blocks at most

        using (FileStream sparse = File.Create($"{_dir}/sparse"))
        {
            sparse.SetLength(100 << 20); // a hole: no blocks
        }
        Assert.InRange(PodUnits.Runtime.State.DiskUsage.Of(_dir), withData, withData + (16 << 10));
        Assert.Equal(0, PodUnits.Runtime.State.DiskUsage.Of($"{_dir}/gone"));
    }

    [Fact]
    public void FindsTheFirstVolumeOverItsLimit()
    {
        Directory.CreateDirectory($"{_dir}/small");
        Directory.CreateDirectory($"{_dir}/full");
        Write($"{_dir}/small/x", 10 << 10);
        Write($"{_dir}/full/x", 2 << 20);
        var small = new EmptyDirPlan { Name = "small", Path = $"{_dir}/small", SizeLimitBytes = 1 << 20 };
        var full = new EmptyDirPlan { Name = "full", Path = $"{_dir}/full", SizeLimitBytes = 1 << 20 };
        Assert.Null(EmptyDirLimits.FirstOver([small]));
        (EmptyDirPlan volume, long bytes, string? unmeasurable) = EmptyDirLimits.FirstOver([small, full])!.Value;
        Assert.Same(full, volume);
        Assert.Null(unmeasurable);
        Assert.True(bytes > 2 << 20 - 1);

        var plan = new PodPlan
        {
            Name = "p", Hostname = "p", MachineId = "00112233445566778899aabbccddeeff", StateDir = _dir,
            EmptyDirs = [small, full, new EmptyDirPlan { Name = "mem", Path = "/run/x", Memory = true, SizeLimitBytes = 1 }, new EmptyDirPlan { Name = "free", Path = "/x" }],
        };
        Assert.Equal(["small", "full"], EmptyDirLimits.Limited(plan).Select(v => v.Name));
    }
}

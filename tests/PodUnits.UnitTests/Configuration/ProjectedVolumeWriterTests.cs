using System.Text;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Configuration;

/// <summary>The kubelet's atomic layout on a plain directory: ..data, the timestamped
/// content, top-level links, modes, and an update that replaces everything in one switch.</summary>
public sealed class ProjectedVolumeWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-projected-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ProjectedFilePlan File(string path, string content, int mode = 0b110_100_100) =>
        new() { Path = path, Content = Encoding.UTF8.GetBytes(content), Mode = mode };

    [Fact]
    public void WritesTheKubeletLayout()
    {
        ProjectedVolumeWriter.Write(_dir, [File("a", "1"), File("group/b", "2", 0b100_000_000)], new DateTime(2026, 11, 30, 15, 20, 0, DateTimeKind.Utc), null);
        Assert.Equal("..2026_11_30_15_20_00.0000000", new FileInfo($"{_dir}/..data").LinkTarget);
        Assert.Equal("..data/a", new FileInfo($"{_dir}/a").LinkTarget);
        Assert.Equal("..data/group", new FileInfo($"{_dir}/group").LinkTarget);
        Assert.Equal("1", System.IO.File.ReadAllText($"{_dir}/a"));
        Assert.Equal("2", System.IO.File.ReadAllText($"{_dir}/group/b"));
        Assert.Equal(UnixFileMode.UserRead, System.IO.File.GetUnixFileMode($"{_dir}/group/b"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            System.IO.File.GetUnixFileMode($"{_dir}/a"));
    }

    [Fact]
    public void AnUpdateSwitchesDataAndDropsWhatIsGone()
    {
        ProjectedVolumeWriter.Write(_dir, [File("a", "1"), File("old", "x")], new DateTime(2026, 11, 30, 15, 20, 0, DateTimeKind.Utc), null);
        ProjectedVolumeWriter.Write(_dir, [File("a", "2"), File("new", "y")], new DateTime(2026, 11, 30, 15, 21, 0, DateTimeKind.Utc), null);
        Assert.Equal("2", System.IO.File.ReadAllText($"{_dir}/a"));
        Assert.Equal("y", System.IO.File.ReadAllText($"{_dir}/new"));
        Assert.False(Path.Exists($"{_dir}/old"));
        Assert.Equal(["..2026_11_30_15_21_00.0000000", "..data", "a", "new"],
            Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>Review of 2026-12-05: a write that failed halfway left its directory on the
    /// tmpfs, where it took the room the next reload needed. It is removed, and the volume
    /// keeps what it had.</summary>
    [Fact]
    public void AFailedWriteKeepsThePreviousContentAndLeavesNothingBehind()
    {
        ProjectedVolumeWriter.Write(_dir, [File("a", "1")], new DateTime(2026, 11, 30, 15, 20, 0, DateTimeKind.Utc), null);
        Assert.ThrowsAny<IOException>(() => ProjectedVolumeWriter.Write(_dir, [File("x", "1"), File("x/y", "2")],
            new DateTime(2026, 11, 30, 15, 21, 0, DateTimeKind.Utc), null));
        Assert.Equal("1", System.IO.File.ReadAllText($"{_dir}/a"));
        Assert.Equal(["..2026_11_30_15_20_00.0000000", "..data", "a"],
            Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>tmpfs counts whole pages: room for two copies of 600 small keys is 600 pages
    /// twice, not twice their bytes (which failed the first reload of such a volume).</summary>
    [Fact]
    public void TheTmpfsHoldsTwoCopiesCountedInPages()
    {
        ProjectedFilePlan[] files = [.. Enumerable.Range(0, 600).Select(i => File($"k{i}", "0123456789"))];
        Assert.True(ProjectedVolumeWriter.TmpfsSize(files) >= 2L * 600 * 4096 + (16L << 20));
    }

    /// <summary>fsGroup as the kubelet's SetVolumeOwnership leaves a read-only volume: the
    /// group on everything, group read on files, group search and setgid on directories.</summary>
    [Fact]
    public void FsGroupOwnsTheFilesWithGroupRead()
    {
        ProjectedVolumeWriter.Write(_dir, [File("group/b", "2", 0b100_000_000)], new DateTime(2026, 11, 30, 15, 20, 0, DateTimeKind.Utc), 2000);
        string data = $"{_dir}/..2026_11_30_15_20_00.0000000";
        Assert.Equal("2000 440", Stat($"{data}/group/b"));
        Assert.Equal("2000 2755", Stat($"{data}/group"));
        Assert.Equal("2000 2755", Stat(data));
    }

    private static string Stat(string path)
    {
        var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%g %a", path]) { RedirectStandardOutput = true })!;
        string output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return output;
    }
}

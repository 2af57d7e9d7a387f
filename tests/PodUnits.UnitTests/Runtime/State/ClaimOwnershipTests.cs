using System.Diagnostics;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>fsGroup on a claim's directory (runs as root, as CI does): the kubelet's modes
/// and group on every entry, a symlink's target never touched, and OnRootMismatch skipping
/// a root that already has them.</summary>
public sealed class ClaimOwnershipTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-claim-").FullName;
    private readonly string _outside = Path.GetTempFileName();

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        File.Delete(_outside);
    }

    [Fact]
    public void EveryEntryGetsTheGroupAndGroupAccessButNoLinkTarget()
    {
        File.WriteAllText($"{_dir}/a", "a");
        File.SetUnixFileMode($"{_dir}/a", (UnixFileMode)0x1a4); // 0644
        Directory.CreateDirectory($"{_dir}/sub");
        File.SetUnixFileMode($"{_dir}/sub", (UnixFileMode)0x1ed); // 0755
        File.WriteAllText($"{_dir}/sub/b", "b");
        File.SetUnixFileMode($"{_dir}/sub/b", (UnixFileMode)0x180); // 0600
        File.SetUnixFileMode(_outside, (UnixFileMode)0x180);
        File.CreateSymbolicLink($"{_dir}/sub/escape", _outside);
        string outsideBefore = Stat(_outside);

        ClaimOwnership.Apply(_dir, 2000, onRootMismatch: false);

        Assert.Equal("2000 2770", Stat(_dir)); // 0700 from the temp dir, plus the kubelet's mask
        Assert.Equal("2000 664", Stat($"{_dir}/a"));
        Assert.Equal("2000 2775", Stat($"{_dir}/sub"));
        Assert.Equal("2000 660", Stat($"{_dir}/sub/b"));
        Assert.Equal("2000", Run("stat", "-c", "%g", $"{_dir}/sub/escape")); // the link itself
        Assert.Equal(outsideBefore, Stat(_outside));
    }

    [Fact]
    public void OnRootMismatchSkipsARootThatAlreadyHasTheGroup()
    {
        ClaimOwnership.Apply(_dir, 2000, onRootMismatch: false);
        File.WriteAllText($"{_dir}/later", "x");
        Run("chgrp", "0", $"{_dir}/later"); // the setgid directory gave it the group already
        ClaimOwnership.Apply(_dir, 2000, onRootMismatch: true);
        Assert.Equal("0", Run("stat", "-c", "%g", $"{_dir}/later"));
        ClaimOwnership.Apply(_dir, 2000, onRootMismatch: false);
        Assert.Equal("2000", Run("stat", "-c", "%g", $"{_dir}/later"));
    }

    /// <summary>Review of 2026-12-05: the root was changed before the walk, so a walk cut
    /// short (here an immutable file; a start timeout as well) left a matching root, and every
    /// later OnRootMismatch start skipped what the walk had not reached.</summary>
    [Fact]
    public void AWalkCutShortIsDoneAgainUnderOnRootMismatch()
    {
        Directory.CreateDirectory($"{_dir}/sub");
        File.WriteAllText($"{_dir}/sub/stuck", "x");
        Assert.Equal("", Run("chattr", "+i", $"{_dir}/sub/stuck"));
        try
        {
            Assert.ThrowsAny<Exception>(() => ClaimOwnership.Apply(_dir, 2000, onRootMismatch: true));
        }
        finally
        {
            Run("chattr", "-i", $"{_dir}/sub/stuck");
        }
        Assert.NotEqual("2000", Run("stat", "-c", "%g", _dir));

        ClaimOwnership.Apply(_dir, 2000, onRootMismatch: true);
        Assert.Equal("2000", Run("stat", "-c", "%g", $"{_dir}/sub/stuck"));
        Assert.Equal("2000", Run("stat", "-c", "%g", _dir));
    }

    private static string Stat(string path) => Run("stat", "-L", "-c", "%g %a", path);

    private static string Run(string file, params string[] args)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}

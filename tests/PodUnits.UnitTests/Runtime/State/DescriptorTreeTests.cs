using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Volumes review of 2026-12-07, findings 1, 2 and 4: the trees containers write in
/// are removed and measured by descriptor, names as bytes. Before, .NET's Directory.Delete
/// followed a directory swapped for a symlink after listing (host files deleted as root),
/// could not remove a name that is not UTF-8 (the pod never started again), and the du held a
/// descriptor per level and skipped such names (sizeLimit escaped).</summary>
[Collection(FewDescriptors.Name)]
public sealed class DescriptorTreeTests : IDisposable
{
    private static readonly byte[] NotUtf8Directory = [(byte)'d', 0xff];
    private static readonly byte[] NotUtf8File = [(byte)'d', 0xff, (byte)'/', (byte)'f', 0xfe];
    private static readonly byte[] NotUtf8Link = [(byte)'h', 0xc3];

    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-tree-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("podunits-tree-outside-").FullName;

    private string Top => $"{_dir}/top";

    public DescriptorTreeTests()
    {
        Directory.CreateDirectory(Top);
        File.WriteAllText($"{_outside}/keep", "host file");
        Directory.CreateDirectory($"{_outside}/b");
        File.WriteAllText($"{_outside}/b/keep", "host file");
    }

    public void Dispose()
    {
        TreeFiles.ForceRemove(_dir);
        TreeFiles.ForceRemove(_outside);
    }

    [Fact]
    public void NamesThatAreNotUtf8AreMeasuredOnceAndRemoved()
    {
        long empty = DiskUsage.Of(Top);
        TreeFiles.MakeDirectory(Top, NotUtf8Directory);
        TreeFiles.Write(Top, NotUtf8File, 1 << 20);
        TreeFiles.Link(Top, NotUtf8File, NotUtf8Link); // the same inode again: counted once
        Assert.InRange(DiskUsage.Of(Top) - empty, 1 << 20, (1 << 20) + (64 << 10));

        DescriptorTree.Remove(Top);
        Assert.False(Directory.Exists(Top));
        DescriptorTree.Remove(Top); // absent: nothing to do
    }

    [Fact]
    public void ALinkToAnOutsideDirectoryIsRemovedNotFollowed()
    {
        Directory.CreateDirectory($"{Top}/a");
        Directory.CreateSymbolicLink($"{Top}/a/host", _outside);
        File.CreateSymbolicLink($"{Top}/host-file", $"{_outside}/keep");
        Assert.InRange(DiskUsage.Of(Top), 0, 64 << 10);

        DescriptorTree.Remove(Top);
        Assert.False(Directory.Exists(Top));
        Assert.True(File.Exists($"{_outside}/keep"));
        Assert.True(File.Exists($"{_outside}/b/keep"));
    }

    /// <summary>Finding 1's race, made certain: the directory is swapped for a link to the
    /// host's files between its parent's listing and its own.</summary>
    [Fact]
    public void ADirectorySwappedForALinkWhileRemovedIsNotFollowed()
    {
        Directory.CreateDirectory($"{Top}/big/x");
        Directory.CreateDirectory($"{Top}/z7/sub");
        File.WriteAllText($"{Top}/z7/sub/file", "x");
        var swapped = new List<string>();
        void Swap(byte[] relative)
        {
            string name = System.Text.Encoding.UTF8.GetString(relative);
            if (name is "z7" or "z7/sub" && !swapped.Contains(name))
            {
                swapped.Add(name);
                Directory.Move($"{Top}/{name}", $"{Top}/{name}-moved-{swapped.Count}");
                Directory.CreateSymbolicLink($"{Top}/{name}", _outside);
            }
        }

        DescriptorTree.Remove(Top, [], Swap);

        Assert.Equal(["z7"], swapped); // z7 was swapped before its listing, so z7/sub never came
        Assert.False(Directory.Exists(Top));
        Assert.True(File.Exists($"{_outside}/keep"));
        Assert.True(File.Exists($"{_outside}/b/keep"));
    }

    /// <summary>The same, one level up: a directory on the way to the one being opened is
    /// swapped for a link to a host directory that has a directory of the same name.</summary>
    [Fact]
    public void ADirectorySwappedForALinkAboveTheOneOpenedIsNotFollowed()
    {
        Directory.CreateDirectory($"{Top}/a/b");
        File.WriteAllText($"{Top}/a/b/file", "x");
        bool swapped = false;
        void Swap(byte[] relative)
        {
            if (!swapped && System.Text.Encoding.UTF8.GetString(relative) == "a/b")
            {
                swapped = true;
                Directory.Move($"{Top}/a", $"{Top}/a-moved");
                Directory.CreateSymbolicLink($"{Top}/a", _outside);
            }
        }

        DescriptorTree.Remove(Top, [], Swap);

        Assert.True(swapped);
        Assert.False(Directory.Exists(Top));
        Assert.True(File.Exists($"{_outside}/b/keep"));
    }

    [Fact]
    public void NamesKeptForLastGoLast()
    {
        Directory.CreateDirectory($"{Top}/layer/upper");
        File.WriteAllText($"{Top}/ad-hoc", "");
        var seen = new List<bool>();
        DescriptorTree.Remove(Top, ["ad-hoc"], _ => seen.Add(File.Exists($"{Top}/ad-hoc")));
        Assert.All(seen, Assert.True);
        Assert.False(Directory.Exists(Top));
    }

    /// <summary>Deeper than PATH_MAX and than the descriptor limit: the du that held a
    /// descriptor per level counted nothing below 1024 levels, and .NET's Directory.Delete
    /// fails on such paths.</summary>
    [Fact]
    public void AChainDeeperThanTheDescriptorLimitIsMeasuredAndRemoved()
    {
        TreeFiles.MakeChain(Top, 3000, 1 << 20);
        TreeFiles.WithFewDescriptors(64, () =>
        {
            Assert.True(DiskUsage.Of(Top) >= 1 << 20);
            DescriptorTree.Remove(Top);
        });
        Assert.False(Directory.Exists(Top));
    }

    [Fact]
    public void AMountPointInsideIsNeitherCrossedNorRemoved()
    {
        Directory.CreateDirectory($"{Top}/mnt");
        if (!TreeFiles.IsRoot || TreeFiles.Run("mount", "-t", "tmpfs", "tmpfs", $"{Top}/mnt") != 0)
        {
            return; // needs root, and a mount namespace that allows it
        }
        try
        {
            File.WriteAllBytes($"{Top}/mnt/data", new byte[1 << 20]);
            Assert.InRange(DiskUsage.Of(Top), 0, 64 << 10); // du -x
            var e = Assert.Throws<DescriptorTreeException>(() => DescriptorTree.Remove(Top));
            Assert.Equal(Top, e.What);
            Assert.Contains("mnt is a mount point", e.Why, StringComparison.Ordinal);
            Assert.True(File.Exists($"{Top}/mnt/data"));
        }
        finally
        {
            Assert.Equal(0, TreeFiles.Run("umount", $"{Top}/mnt"));
        }
    }

    [Fact]
    public void AnEntryThatCannotBeRemovedIsNamedEscaped()
    {
        TreeFiles.MakeDirectory(Top, NotUtf8Directory);
        TreeFiles.Write(Top, NotUtf8File, 1);
        string file = $"\"$(printf '{Top}/d\\377/f\\376')\""; // a name a .NET string cannot give
        if (!TreeFiles.IsRoot || TreeFiles.Run("sh", "-c", $"chattr +i {file}") != 0)
        {
            return; // chattr needs root and a file system with the flag
        }
        try
        {
            var e = Assert.Throws<DescriptorTreeException>(() => DescriptorTree.Remove(Top));
            Assert.Equal($"{Top}: unlink d\\xff/f\\xfe: Operation not permitted (errno 1; a file made immutable or append-only in a container? 'lsattr' shows it)", e.Message);
        }
        finally
        {
            Assert.Equal(0, TreeFiles.Run("sh", "-c", $"chattr -i {file}"));
        }
    }
}

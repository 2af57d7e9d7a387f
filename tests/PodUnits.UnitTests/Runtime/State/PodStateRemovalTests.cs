using PodUnits.Planning.Configuration;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Volumes review of 2026-12-07, finding 2: one file name that is not UTF-8 in a
/// writable layer, an on-disk emptyDir or a named volume made every later start fail with
/// "internal error: Directory not empty" (and `volume rm` fail for good). The layers, the
/// emptyDirs and the volumes are removed by <see cref="DescriptorTree"/> now.</summary>
public sealed class PodStateRemovalTests : IDisposable
{
    private static readonly byte[] NotUtf8File = [(byte)'f', 0xff];
    private static readonly byte[] NotUtf8Directory = [(byte)'d', 0xfe];

    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-state-").FullName;

    public void Dispose() => TreeFiles.ForceRemove(_dir);

    /// <summary>What a container leaves where it can write: /tmp/\xff, /\xfe/ and a link to
    /// the host's files.</summary>
    private void Scribble(string dir)
    {
        Directory.CreateDirectory($"{dir}/tmp");
        TreeFiles.Write($"{dir}/tmp", NotUtf8File, 100);
        TreeFiles.MakeDirectory(dir, NotUtf8Directory);
        TreeFiles.Write(dir, [.. NotUtf8Directory, (byte)'/', .. NotUtf8File], 100);
        Directory.CreateSymbolicLink($"{dir}/host", _dir);
    }

    private ContainerPlan Container => new() { Name = "app", LowerDir = "/nowhere", LayerDir = $"{_dir}/pod/containers/app" };

    [Fact]
    public void FreshLayerRemovesNamesThatAreNotUtf8()
    {
        Scribble($"{Container.LayerDir}/upper");
        PodState.FreshLayer(Container);
        Assert.Empty(Directory.EnumerateFileSystemEntries($"{Container.LayerDir}/upper"));
        Assert.True(Directory.Exists($"{Container.LayerDir}/work"));
        Assert.True(Directory.Exists(_dir));
    }

    [Fact]
    public void ANewStartClearsTheLastRunsLayersAndDiskEmptyDirs()
    {
        Scribble($"{_dir}/pod/containers/gone/upper");
        Scribble($"{Container.LayerDir}/upper");
        Scribble($"{_dir}/pod/volumes/scratch");
        var plan = new PodPlan
        {
            Name = "p", Hostname = "p", MachineId = "00112233445566778899aabbccddeeff", StateDir = $"{_dir}/pod",
            Containers = [Container],
            EmptyDirs = [new EmptyDirPlan { Name = "scratch", Path = $"{_dir}/pod/volumes/scratch" }],
        };

        PodState.ClearLastRun(plan);

        Assert.Equal(["app"], Directory.EnumerateDirectories($"{_dir}/pod/containers").Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries($"{Container.LayerDir}/upper"));
        Assert.False(Directory.Exists($"{_dir}/pod/volumes/scratch")); // Prepare makes it afresh
    }

    [Fact]
    public void VolumeRmRemovesNamesThatAreNotUtf8()
    {
        Scribble($"{_dir}/volumes/data");
        NamedVolumes.Remove("data", $"{_dir}/volumes");
        Assert.False(Directory.Exists($"{_dir}/volumes/data"));
        Assert.True(Directory.Exists(_dir)); // the link in it was not followed
    }
}

using PodUnits.Planning.Configuration;

namespace PodUnits.UnitTests.Planning;

/// <summary>Review of 2026-12-05: `podunits volume list` summed a volume with .NET's recursive
/// enumeration, which follows symlinks to directories: a container's `ln -s / host` in a
/// volume made this root process walk the whole host and count it, and links to '.' looped.</summary>
public sealed class NamedVolumesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-volumes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AVolumesSizeNeverFollowsTheLinksAContainerLeftInIt()
    {
        string data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        File.WriteAllBytes(Path.Combine(data, "file"), new byte[1 << 20]);
        File.CreateSymbolicLink(Path.Combine(data, "host"), "/");
        File.CreateSymbolicLink(Path.Combine(data, "a"), ".");
        File.CreateSymbolicLink(Path.Combine(data, "b"), ".");

        NamedVolume volume = Assert.Single(NamedVolumes.List(_root));
        Assert.Equal("data", volume.Name);
        Assert.InRange(volume.Bytes, 1 << 20, (1 << 20) + (64 << 10));
    }
}

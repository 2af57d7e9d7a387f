using PodUnits.Core.Errors;
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

    /// <summary>CLI review of 2026-12-07, finding 5: a volume holding a file a container made
    /// immutable (EPERM for root) made `volume rm` say "internal error:
    /// UnauthorizedAccess_IODenied_Path" and leave the volume half-deleted without saying so.</summary>
    [Fact]
    public void AVolumeThatCannotAllBeRemovedIsOneLineSayingSo()
    {
        string data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "gone"), "x");
        void Denied(string path)
        {
            File.Delete(Path.Combine(path, "gone"));
            throw new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, " + Path.Combine(path, "immutable"));
        }
        var e = Assert.Throws<PodUnitsException>(() => NamedVolumes.Remove("data", _root, Denied));
        Assert.Equal($"volume data: could not remove all of it: permission denied in {data} (a file made immutable in a container? 'lsattr -R' shows it); "
            + "once that is mended, 'podunits volume rm data' again", e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);

        var busy = Assert.Throws<PodUnitsException>(() => NamedVolumes.Remove("data", _root, _ => throw new IOException("Device or resource busy")));
        Assert.Equal("volume data: could not remove all of it: Device or resource busy; once that is mended, 'podunits volume rm data' again", busy.Message);
    }
}

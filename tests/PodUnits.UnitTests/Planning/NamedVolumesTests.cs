using PodUnits.Core.Errors;
using PodUnits.Planning.Configuration;

namespace PodUnits.UnitTests.Planning;

/// <summary>Review of 2026-12-05: `podunits volume list` summed a volume with .NET's recursive
/// enumeration, which follows symlinks to directories: a container's `ln -s / host` in a
/// volume made this root process walk the whole host and count it, and links to '.' looped.</summary>
[Collection(PodUnits.UnitTests.Core.FlockSequences.Name)]
public sealed class NamedVolumesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-volumes-").FullName;
    private readonly string _locks = Directory.CreateTempSubdirectory("podunits-volume-locks-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_locks, recursive: true);
    }

    private void Remove(string name, Action<string> delete) => NamedVolumes.Remove(name, _root, _locks, delete);

    /// <summary>Review of the merged volume change (2026-12-07), finding 3: a volume that is a
    /// link to a directory on another disk failed to open for its lock ("Too many levels of
    /// symbolic links") and could never be removed; before the rename-aside its link went.</summary>
    [Fact]
    public void AVolumeThatIsALinkLosesTheLinkAndKeepsWhatItNames()
    {
        string elsewhere = Directory.CreateTempSubdirectory("podunits-volume-elsewhere-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(elsewhere, "keep"), "x");
            Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), elsewhere);
            Remove("linked", _ => throw new InvalidOperationException("the link's target was to be deleted"));
            Assert.False(Path.Exists(Path.Combine(_root, "linked")));
            Assert.True(File.Exists(Path.Combine(elsewhere, "keep")));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

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
    /// UnauthorizedAccess_IODenied_Path" and leave the volume half-deleted without saying so.
    /// Since the volumes review of 2026-12-07 (finding 3) what is left waits aside, named.</summary>
    [Fact]
    public void AVolumeThatCannotAllBeRemovedIsOneLineSayingSo()
    {
        string data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "gone"), "x");
        string? aside = null;
        void Denied(string path)
        {
            aside = path;
            File.Delete(Path.Combine(path, "gone"));
            throw new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, " + Path.Combine(path, "immutable"));
        }
        var e = Assert.Throws<PodUnitsException>(() => Remove("data", Denied));
        Assert.NotNull(aside);
        Assert.Equal($"volume data: could not remove all of it: permission denied (a file made immutable in a container? 'lsattr -R {aside}' shows it); "
            + $"what is left is in {aside}, which 'podunits volume rm data' or 'podunits gc' removes once that is mended", e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
        Assert.False(Directory.Exists(data)); // a pod starting now gets an empty volume
        Assert.Empty(NamedVolumes.List(_root)); // the leftover is no volume

        // rm of the name again takes what is left, though the volume itself is gone.
        var busy = Assert.Throws<PodUnitsException>(() => Remove("data", _ => throw new IOException("Device or resource busy")));
        Assert.Equal($"volume data: could not remove all of it: Device or resource busy; what is left is in {aside}, "
            + "which 'podunits volume rm data' or 'podunits gc' removes once that is mended", busy.Message);
        Remove("data", path => Directory.Delete(path, recursive: true));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }
}

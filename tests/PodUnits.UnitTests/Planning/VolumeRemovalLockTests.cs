using PodUnits.Core.Errors;
using PodUnits.Planning.Configuration;
using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Planning;

/// <summary>Volumes review of 2026-12-07, finding 3: `volume rm` held nothing against a start,
/// so a pod starting during a long removal ran on a half-deleted volume while the removal went
/// on deleting what it wrote. A start holds the volume's lock shared, rm takes it exclusive.</summary>
[Collection(PodUnits.UnitTests.Core.FlockSequences.Name)]
public sealed class VolumeRemovalLockTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-volumes-").FullName;
    private readonly string _locks = Directory.CreateTempSubdirectory("podunits-volume-locks-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_locks, recursive: true);
    }

    private string Volume(string name)
    {
        string path = Directory.CreateDirectory($"{_root}/{name}").FullName;
        File.WriteAllText($"{path}/db", "data");
        return path;
    }

    private List<int> Start(string pod, params string[] volumes) => VolumeLocks.TakeShared(pod, volumes.Select(v => $"{_root}/{v}"), _locks);

    [Fact]
    public void AStartDuringTheRemovalFailsAndTheNextStartGetsAnEmptyVolume()
    {
        string data = Volume("data");
        PodUnitsException? refused = null;
        bool sawTheVolumeUnderItsName = true;
        NamedVolumes.Remove("data", _root, _locks, aside =>
        {
            // A pod starting while the removal runs: before, nothing stopped it.
            refused = Assert.Throws<PodUnitsException>(() => Start("db", "data"));
            sawTheVolumeUnderItsName = Directory.Exists(data);
            Directory.Delete(aside, recursive: true);
        });
        Assert.Equal("volume data: is being removed ('podunits volume rm'); pod db can start once that is done, and gets an empty volume", refused?.Message);
        Assert.False(sawTheVolumeUnderItsName); // renamed aside first: a start made a fresh, empty one
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));

        List<int> locks = Start("db", "data"); // after the removal: fine
        VolumeLocks.Close(locks);
    }

    [Fact]
    public void ARemovalWhileAPodStartsOrRunsWithTheVolumeIsRefusedAndTouchesNothing()
    {
        string data = Volume("data");
        Volume("other");
        List<int> locks = Start("db", "other", "data");
        try
        {
            bool deleted = false;
            var e = Assert.Throws<PodUnitsException>(() => NamedVolumes.Remove("data", _root, _locks, _ => deleted = true));
            Assert.Equal("volume data: is in use by a pod that is starting; stop it first", e.Message);
            Assert.False(deleted);
            Assert.True(File.Exists($"{data}/db"));
        }
        finally
        {
            VolumeLocks.Close(locks); // the pod stopped
        }
        NamedVolumes.Remove("data", _root, _locks, path => Directory.Delete(path, recursive: true));
        Assert.False(Directory.Exists(data));
        Assert.True(File.Exists($"{_root}/other/db"));
    }

    [Fact]
    public void TwoRemovalsOfOneVolumeNeverRunAtOnce()
    {
        Volume("data");
        PodUnitsException? second = null;
        NamedVolumes.Remove("data", _root, _locks, aside =>
        {
            second = Assert.Throws<PodUnitsException>(() => NamedVolumes.Remove("data", _root, _locks, _ => Assert.Fail("deleted twice")));
            Directory.Delete(aside, recursive: true);
        });
        Assert.Equal("volume data: is being removed already, by another 'podunits volume rm'", second?.Message);
    }

    /// <summary>An rm cut short (Ctrl-C, a file that would not go) leaves .removing-NAME-*:
    /// no volume, and gc removes it, but not while a removal is deleting it.</summary>
    [Fact]
    public void GcRemovesWhatAnInterruptedRemovalLeft()
    {
        Volume("web-data");
        Assert.Throws<PodUnitsException>(() => NamedVolumes.Remove("web-data", _root, _locks, _ => throw new IOException("interrupted")));
        string leftover = Assert.Single(Directory.EnumerateDirectories(_root));
        Assert.StartsWith($"{_root}/.removing-web-data-", leftover, StringComparison.Ordinal);
        Assert.Equal("web-data", NamedVolumeLeftovers.VolumeOf(Path.GetFileName(leftover)));
        Assert.Empty(NamedVolumes.List(_root));
        Assert.Throws<BadInputException>(() => NamedVolumes.Remove(".removing-web-data-0", _root, _locks, _ => Assert.Fail("not a volume name")));

        var warnings = new List<string>();
        Assert.Empty(NamedVolumes.CollectLeftovers(warnings.Add, _root, _ => throw new IOException("still busy")));
        Assert.Equal([$"volume web-data: could not remove all of it: still busy; what is left is in {leftover}, "
            + "which 'podunits volume rm web-data' or 'podunits gc' removes once that is mended"], warnings);

        Assert.Equal([leftover], NamedVolumes.CollectLeftovers(warnings.Add, _root, path => Directory.Delete(path, recursive: true)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }
}

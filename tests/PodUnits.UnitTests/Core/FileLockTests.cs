using PodUnits.Core.Native;

namespace PodUnits.UnitTests.Core;

/// <summary>An exclusive FileLock waits for the holder, in this process as in another: what a
/// FileStream or File.OpenHandle would not do (.NET takes a non-blocking flock of its own at
/// open, so a second executor claiming host ports failed at once with a sharing violation).</summary>
[Collection(PodUnits.UnitTests.Core.FlockSequences.Name)]
public sealed class FileLockTests : IDisposable
{
    private readonly string _path = Path.Join(Path.GetTempPath(), $"podunits-lock-test-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task ASecondExclusiveLockWaitsForTheFirstInsteadOfFailing()
    {
        var first = FileLock.Exclusive(_path);
        Task<FileLock> second = Task.Run(() => FileLock.Exclusive(_path));
        await Task.Delay(200);
        Assert.False(second.IsCompleted);
        first.Dispose();
        using FileLock got = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(got);
    }

    /// <summary>Review of 2026-12-05: flock needs only a descriptor, and lock files were 0644, so
    /// any user could hold netns.lock and stall every networked pod's start.</summary>
    [Fact]
    public void ALockFileIsTheOwnersOnlyEvenWhenAnOlderVersionMadeIt()
    {
        File.WriteAllText(_path, "");
        File.SetUnixFileMode(_path, (UnixFileMode)0x1a4); // 0644
        using (FileLock.Exclusive(_path))
        {
            Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(_path));
        }
        File.Delete(_path);
        using (FileLock.Shared(_path))
        {
            Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(_path));
        }
    }

    [Fact]
    public void ASymlinkIsNotFollowed()
    {
        string target = _path + ".target";
        File.CreateSymbolicLink(_path, target);
        try
        {
            var e = Assert.Throws<PodUnits.Core.Errors.NativeCallException>(() => FileLock.Exclusive(_path));
            Assert.Equal("open", e.Syscall);
            Assert.False(File.Exists(target));
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public void TryExclusiveSaysWhenAnotherHoldsTheLock()
    {
        using (FileLock held = FileLock.Exclusive(_path))
        {
            Assert.Null(FileLock.TryExclusive(_path));
        }
        using FileLock? got = FileLock.TryExclusive(_path);
        Assert.NotNull(got);
    }
}

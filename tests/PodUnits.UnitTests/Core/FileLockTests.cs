using PodUnits.Core.Native;

namespace PodUnits.UnitTests.Core;

/// <summary>An exclusive FileLock waits for the holder, in this process as in another: what a
/// FileStream or File.OpenHandle would not do (.NET takes a non-blocking flock of its own at
/// open, so a second executor claiming host ports failed at once with a sharing violation).</summary>
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
}

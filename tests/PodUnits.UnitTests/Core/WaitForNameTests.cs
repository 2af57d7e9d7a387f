using System.Diagnostics;
using PodUnits.Core.Native;

namespace PodUnits.UnitTests.Core;

/// <summary>LibcExtra.WaitForName: the pod init's wait for its journald's socket, on inotify.</summary>
public sealed class WaitForNameTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-inotify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ANameThatIsThereAlreadyNeedsNoEvent()
    {
        File.WriteAllText(Path.Combine(_dir, "stdout"), "");
        Assert.True(LibcExtra.WaitForName(_dir, "stdout", TimeSpan.Zero));
    }

    [Fact]
    public async Task ItWakesWhenTheNameIsCreatedOrRenamedInAfterOtherNames()
    {
        var created = Task.Run(async () =>
        {
            await Task.Delay(50);
            File.WriteAllText(Path.Combine(_dir, "other"), ""); // an event for another name: keeps waiting
            await Task.Delay(50);
            File.WriteAllText(Path.Combine(_dir, "stdout.tmp"), "");
            File.Move(Path.Combine(_dir, "stdout.tmp"), Path.Combine(_dir, "stdout")); // IN_MOVED_TO
        });
        Assert.True(LibcExtra.WaitForName(_dir, "stdout", TimeSpan.FromSeconds(30)));
        Assert.True(File.Exists(Path.Combine(_dir, "stdout")));
        await created;
    }

    [Fact]
    public void ANameThatNeverComesTimesOut()
    {
        var clock = Stopwatch.StartNew();
        Assert.False(LibcExtra.WaitForName(_dir, "stdout", TimeSpan.FromMilliseconds(100)));
        Assert.True(clock.ElapsedMilliseconds >= 100, $"returned after {clock.ElapsedMilliseconds} ms"); // a lower bound: waited its time
    }

    [Fact]
    public void AMissingDirectoryIsAnErrorNamingIt()
    {
        var e = Assert.Throws<PodUnits.Core.Errors.NativeCallException>(() => LibcExtra.WaitForName(_dir + "/nope", "stdout", TimeSpan.FromSeconds(1)));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
    }
}

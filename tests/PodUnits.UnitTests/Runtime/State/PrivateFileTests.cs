using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Review of 2026-12-05: state files others read (pids, the start failure count)
/// were truncated and rewritten, so `podunits stop` reading pids at that moment found no pod
/// and returned 0 without stopping it. They are replaced whole now.</summary>
public sealed class PrivateFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-private-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AReaderSeesTheOldContentOrTheNewNeverAnEmptyFile()
    {
        string path = Path.Combine(_dir, "pids");
        PodPaths.WritePrivateFile(path, "1 2\n");
        using var done = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                PodPaths.WritePrivateFile(path, i % 2 == 0 ? "3 4\n" : "1 2\n");
            }
            done.Cancel();
        });
        int reads = 0;
        while (!done.IsCancellationRequested)
        {
            string text = File.ReadAllText(path);
            Assert.True(text is "1 2\n" or "3 4\n", $"read \"{text}\"");
            reads++;
        }
        await writer;
        Assert.True(reads > 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["pids"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}

using PodUnits.Core.Linux;
using PodUnits.Planning.Plan;

namespace PodUnits.UnitTests.Planning;

/// <summary>AutoUpdateTrial: the images an auto-update's restart runs before any tag moves,
/// taken once by the start, and ignored once the auto-update that wrote them is gone.</summary>
public sealed class AutoUpdateTrialTests : IDisposable
{
    private const string Digest1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Digest2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private readonly string _pod = $"unit-test-trial-{Guid.NewGuid():N}"[..30];

    public void Dispose()
    {
        try
        {
            AutoUpdateTrial.Discard(_pod);
        }
        catch (UnauthorizedAccessException)
        {
            // not root: nothing was written (own-diff review of 2026-12-07, finding 7)
        }
    }

    private bool TryWrite()
    {
        try
        {
            AutoUpdateTrial.Write(_pod, [("reg.example/app:1", Digest1), ("reg.example/db:2", Digest2)]);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false; // /run/podunits is not writable here: nothing to test
        }
    }

    [Fact]
    public void TheStartTakesTheTrialOnce()
    {
        if (!TryWrite())
        {
            return;
        }
        IReadOnlyDictionary<string, string> taken = AutoUpdateTrial.Take(_pod);
        Assert.Equal(Digest1, taken["reg.example/app:1"]);
        Assert.Equal(Digest2, taken["reg.example/db:2"]);
        Assert.Equal(2, taken.Count);
        Assert.False(File.Exists($"{AutoUpdateTrial.Root}/{_pod}"));
        Assert.Empty(AutoUpdateTrial.Take(_pod)); // a later start runs what the tags name
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(AutoUpdateTrial.Root));
    }

    [Fact]
    public void ATrialWhoseAutoUpdateIsGoneIsIgnoredAndRemoved()
    {
        if (!TryWrite())
        {
            return;
        }
        // The same PID with another start time: the writer died and the number was reused.
        string path = $"{AutoUpdateTrial.Root}/{_pod}";
        string[] lines = File.ReadAllLines(path);
        Assert.Equal($"writer {Environment.ProcessId} {ProcessStat.StartTime(Environment.ProcessId)}", lines[0]);
        lines[0] = $"writer {Environment.ProcessId} {ProcessStat.StartTime(Environment.ProcessId) + 1}";
        File.WriteAllLines(path, lines);
        Assert.Empty(AutoUpdateTrial.Take(_pod));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("writer 1 x")]
    [InlineData("writer 0 0")]
    [InlineData("writer -1 5")]
    [InlineData("reg.example/app:1 " + Digest1)]
    [InlineData("")]
    public void AWriterLineThatNamesNoRunningProcessIsNone(string line)
    {
        Assert.False(AutoUpdateTrial.WriterRuns(line));
    }
}

using PodUnits.Journal.Files;
using PodUnits.Runtime.Logging;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The pod's own journal files are tried again after a failure (a full disk, here a
/// directory that is gone for a while), not skipped for the rest of the pod's life.</summary>
public sealed class PodJournalRetryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-podjournal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task APodJournalThatFailedIsWrittenAgainOnceItCanBe()
    {
        string directory = Path.Combine(_root, "journal");
        using var journal = new JournalDirectory(directory, new byte[16], 1 << 20, 2 << 20);
        Directory.Delete(directory, recursive: true); // gone for a while: every write fails
        var warnings = new List<string>();
        var target = new JournalFileLogTarget(journal, "of pod t", [new("CONTAINER_NAME", "c")], TimeSpan.FromMilliseconds(20)) { Warn = warnings.Add };
        target.Deliver("lost\n"u8); // the directory is not there: fails, says so
        Assert.Contains(warnings, w => w.Contains("trying again every", StringComparison.Ordinal));
        Directory.CreateDirectory(directory);
        await Task.Delay(100);
        target.Deliver("kept\n"u8);
        target.Complete();
        Assert.Contains(warnings, w => w.Contains("reachable again; 1 line written meanwhile did not reach it", StringComparison.Ordinal));
        Assert.Contains(Directory.EnumerateFiles(directory), f => f.EndsWith(".journal", StringComparison.Ordinal));
        target.Dispose();
    }
}

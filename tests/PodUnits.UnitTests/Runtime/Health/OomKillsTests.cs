using PodUnits.Runtime.Health;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>OomKills: the kernel's count, and when a SIGKILL is taken for the OOM killer's.</summary>
public sealed class OomKillsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void TheCountIsVmstatsOomKillLine()
    {
        File.WriteAllText(_file, "pgfault 1234\noom_kill 7\nnr_free_pages 5\n");
        Assert.Equal(7, OomKills.Count(_file));
        File.WriteAllText(_file, "pgfault 1234\n"); // a kernel before 4.13
        Assert.Null(OomKills.Count(_file));
        Assert.Null(OomKills.Count("/nonexistent/vmstat"));
        Assert.NotNull(OomKills.Count()); // this machine's kernel has it
    }

    [Theory]
    [InlineData(3L, 4L, true)]   // an OOM kill during the run
    [InlineData(3L, 3L, false)]  // none: someone's kill -9
    [InlineData(null, 3L, true)] // no count: the memory limit is all there is to go by
    [InlineData(3L, null, true)]
    public void ASigkillIsTheOomKillersWhenTheCountGrewDuringTheRun(long? atStart, long? now, bool oom) =>
        Assert.Equal(oom, OomKills.GrewDuring(atStart, now));
}

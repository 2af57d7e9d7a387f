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

    /// <summary>The pod's count decides where it has one: an OOM kill elsewhere on the host
    /// (the host's count grew) does not make this pod's SIGKILL the OOM killer's.</summary>
    [Theory]
    [InlineData(2L, 3L, 10L, 10L, true)]
    [InlineData(2L, 2L, 10L, 11L, false)]
    [InlineData(null, null, 10L, 11L, true)]
    [InlineData(null, null, 10L, 10L, false)]
    public void ThePodsCountWinsOverTheHosts(long? podThen, long? podNow, long? hostThen, long? hostNow, bool oom) =>
        Assert.Equal(oom, OomKills.Counts.Grew(new(podThen, podThen is null ? hostThen : null), new(podNow, podNow is null ? hostNow : null)));

    [Fact]
    public void ACgroupWithoutMemoryEventsHasNoSubtreeCount() => Assert.Null(OomKills.InSubtree("/no/such/cgroup.slice"));
}

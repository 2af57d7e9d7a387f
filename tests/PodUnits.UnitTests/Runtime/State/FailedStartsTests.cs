using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

public sealed class FailedStartsTests
{
    [Theory]
    [InlineData(0, 0)] // a first start, or one after READY: at once
    [InlineData(-1, 0)]
    [InlineData(1, 10)] // the kubelet's back-off: 10 s, doubling ...
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 300)] // ... up to 5 minutes
    [InlineData(1000, 300)]
    public void RestartsAfterFailedStartsWaitAsTheKubeletBacksOff(int failed, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), FailedStarts.Delay(failed));

    [Fact]
    public void TheCountKeepsTheLastFailuresReasonUntilTheNextStartIsCounted()
    {
        const string pod = "ut-failed-starts";
        try
        {
            PodPaths.CreateRuntimeRoot();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return; // not root: nothing to write to
        }
        try
        {
            PodPaths.WritePrivateFile(FailedStarts.PathFor(pod), "2\ncannot publish hostPort 8080/tcp: pod web uses it\n");
            Assert.Equal(2, FailedStarts.Count(pod));
            Assert.Equal("cannot publish hostPort 8080/tcp: pod web uses it", FailedStarts.LastFailure(pod));
            // The next start is counted without it: its own failure, if it says one, replaces it.
            FailedStarts.Begin(pod, 2);
            Assert.Equal(3, FailedStarts.Count(pod));
            Assert.Null(FailedStarts.LastFailure(pod));
            FailedStarts.Clear(pod);
            Assert.Equal(0, FailedStarts.Count(pod));
            Assert.Null(FailedStarts.LastFailure(pod));
        }
        finally
        {
            FailedStarts.Clear(pod);
        }
    }

    [Fact]
    public void AReasonLosesThePodsNameInALineThatNamesItAlready()
    {
        Assert.Equal("cannot publish hostPort 8080/tcp: pod web uses it",
            PodUnits.Planning.State.StartBackOff.WithoutPodName("pod h-dup: cannot publish hostPort 8080/tcp: pod web uses it", "h-dup"));
        Assert.Equal("image x: cannot reach registry", PodUnits.Planning.State.StartBackOff.WithoutPodName("image x: cannot reach registry", "h-dup"));
    }
}

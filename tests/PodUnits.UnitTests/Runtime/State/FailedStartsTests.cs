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
}

using PodUnits.Planning.State;

namespace PodUnits.UnitTests.Planning;

/// <summary>What stage 0's back-off says (its timing is StartBackOffTests' end to end).</summary>
public sealed class StartBackOffTextTests
{
    [Theory]
    [InlineData(1, "its last start failed")]
    [InlineData(3, "its last 3 starts failed")]
    public void StartBackOffSaysHowManyStartsFailed(int failed, string expected) =>
        Assert.Equal(expected, StartBackOff.LastFailed(failed));
}

using PodUnits.Runtime.State;

namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Lifecycle review of 2026-12-07, finding 3: a definition's pod started over a
/// `run -i --keep` state (which such a start is refused now) made it its own, and `podunits
/// rm` then removed that pod's state and forgot its ID range. rm tells such a state by the
/// ad-hoc marker the defined start removed, and removes only the kept definition.</summary>
public sealed class KeptStateTakeOverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-kept-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(true, true, false)] // a kept ad-hoc pod's state, all of it its own
    [InlineData(true, false, true)] // a defined pod's start removed the marker
    [InlineData(false, true, false)] // a removal cut short after the definition: the rest is still the ad-hoc pod's
    [InlineData(false, false, false)] // a defined pod's state, nothing kept
    public void AKeptDefinitionWithoutTheAdHocMarkerIsADefinedPodsState(bool keptDefinition, bool marker, bool takenOver)
    {
        if (keptDefinition)
        {
            File.WriteAllText(Path.Join(_dir, "adhoc.yaml"), "");
        }
        if (marker)
        {
            File.WriteAllText(Path.Join(_dir, "ad-hoc"), "");
        }
        Assert.Equal(takenOver, PodState.TakenOverByDefinedPod(_dir));
    }
}

using PodUnits.Planning.State;
namespace PodUnits.IntegrationTests;

/// <summary>
/// Test classes that run `podunits gc` (or PodStateGc) or that leave a crashed pod for it to
/// find: gc acts on the whole host, so one test's gc would otherwise collect what another
/// test crashed on purpose before that test looked at it. xUnit runs the classes of one
/// collection one after the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostWideGc
{
    public const string Name = "host-wide gc";
}

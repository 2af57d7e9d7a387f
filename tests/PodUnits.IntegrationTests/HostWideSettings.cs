namespace PodUnits.IntegrationTests;

/// <summary>
/// Test classes that change /etc/podunits/podunits.yaml in a way every pod would feel (for
/// example `userNamespaces: auto`): xUnit runs this collection alone, after every collection
/// that runs in parallel, so no other test's pod starts under those settings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostWideSettings
{
    public const string Name = "host-wide settings";
}

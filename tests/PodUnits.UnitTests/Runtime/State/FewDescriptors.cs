namespace PodUnits.UnitTests.Runtime.State;

/// <summary>Tests that lower this process's descriptor limit for a while: run alone, so that
/// no other test runs short of descriptors meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FewDescriptors
{
    public const string Name = "few descriptors";
}

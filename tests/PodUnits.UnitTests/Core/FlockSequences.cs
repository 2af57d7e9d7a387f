namespace PodUnits.UnitTests.Core;

/// <summary>Tests that release a flock(2) lock and take it again at once: run alone. A process
/// another test forks in between (Process.Start forks, then execs) holds a copy of every
/// descriptor, close-on-exec ones too, until its exec, and with it the lock's open file: the
/// retaking then finds the lock held, as NamedVolumesTests once did in CI ("is being removed
/// already, by another 'podunits volume rm'"). `podunits volume rm` itself forks nothing
/// meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FlockSequences
{
    public const string Name = "flock sequences";
}

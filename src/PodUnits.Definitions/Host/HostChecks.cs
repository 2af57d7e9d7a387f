namespace PodUnits.Definitions.Host;

/// <summary>
/// What `podunits validate` checks against this host beyond the definition, so that it refuses
/// what a start here would refuse, each at its field's line and column: a Localhost seccomp
/// profile that is not in <see cref="SeccompProfileDirectory"/>, and a capability to add that
/// <see cref="PodBoundingSet"/> lacks. The start itself checks both when it plans the pod
/// (with the executor's own bounding set); the generator, which runs before /var is mounted,
/// leaves them to it (<see cref="LoadOptions.HostChecks"/> is null there).
/// </summary>
/// <param name="SeccompProfileDirectory">Where Localhost profiles are (/var/lib/podunits/seccomp).</param>
/// <param name="PodBoundingSet">The capabilities a pod's service may hold, as a bit mask.</param>
public sealed record HostChecks(string SeccompProfileDirectory, ulong PodBoundingSet);

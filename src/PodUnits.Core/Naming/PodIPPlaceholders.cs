namespace PodUnits.Core.Naming;

/// <summary>
/// Stand for status.podIP and status.podIPs where only the container's start knows them (a
/// pod with its own network: the CNI plugins assign the address while the pod is being set
/// up, after the plan was written). Private-use characters a definition cannot usefully
/// contain. Stage 0 writes them (the downward API's mapping, Definitions/Values/DownwardValues),
/// container-start replaces them once the pod's network is up (Runtime/Container/PodAddressTokens):
/// here because both stages share them and stage 1 does not reference the definitions.
/// </summary>
public static class PodIPPlaceholders
{
    public const string PodIP = "\uE000podIP\uE000";
    public const string PodIPs = "\uE000podIPs\uE000";
}

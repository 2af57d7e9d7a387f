using System.Net.Sockets;
using PodUnits.Core.Naming;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Container;

/// <summary>
/// status.podIP and status.podIPs for a pod with its own network: the CNI plugins assign the
/// address while the pod is being set up, after the plan was written, so the plan carries
/// <see cref="PodIPPlaceholders.PodIP"/> where the address goes (also inside $(VAR) expansions
/// of later variables and of args). container-start runs in the pod's network namespace once
/// the executor's "go" says the network is up, and puts the addresses in: IPv4 before IPv6,
/// podIPs comma-separated, as the kubelet writes them.
/// </summary>
internal static class PodAddressTokens
{
    public static bool AnyIn(IEnumerable<string> values) =>
        values.Any(v => v.Contains(PodIPPlaceholders.PodIP, StringComparison.Ordinal) || v.Contains(PodIPPlaceholders.PodIPs, StringComparison.Ordinal));

    public static List<string> Replace(IEnumerable<string> values, IReadOnlyList<string> addresses)
    {
        string first = addresses.Count > 0 ? addresses[0] : "";
        string all = string.Join(',', addresses);
        return [.. values.Select(v => v.Replace(PodIPPlaceholders.PodIPs, all, StringComparison.Ordinal).Replace(PodIPPlaceholders.PodIP, first, StringComparison.Ordinal))];
    }

    /// <summary>This network namespace's addresses outside loopback, IPv4 first.</summary>
    public static IReadOnlyList<string> CurrentAddresses() =>
    [
        .. LibcExtra.InterfaceAddresses()
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || !a.IsIPv6LinkLocal)
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .Select(a => a.ToString()),
    ];
}

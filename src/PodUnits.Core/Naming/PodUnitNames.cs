namespace PodUnits.Core.Naming;

/// <summary>
/// The unit that runs a pod: pod@NAME.service (docs/design.md). A valid pod name
/// (<see cref="ResourceNames"/>) needs no escaping in it. The one place this name is formed.
/// </summary>
public static class PodUnitNames
{
    public static string Service(string pod) => $"pod@{pod}.service";

    /// <summary>NAME of a pod@NAME.service whose NAME is a valid pod name; null for any other unit.</summary>
    public static string? PodOfService(string unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        const string Prefix = "pod@", Suffix = ".service";
        return unit.StartsWith(Prefix, StringComparison.Ordinal) && unit.EndsWith(Suffix, StringComparison.Ordinal)
            && unit.Length > Prefix.Length + Suffix.Length && unit[Prefix.Length..^Suffix.Length] is var pod && ResourceNames.Explain(pod) is null
            ? pod : null;
    }

    /// <summary>pod@NAME.socket: the socket unit whose sockets pod@NAME.service gets (docs/activation.md).</summary>
    public static string Socket(string pod) => $"pod@{pod}.socket";
}

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

    /// <summary>The length of the scope a container of the pod runs in (podunits-POD-C.scope,
    /// both names unit-escaped: a valid name's only escaped character is '-', which is
    /// "\x2d"). systemd takes unit names of at most 255 characters. It restates the name
    /// ContainerUnits.ScopeName forms, which Definitions cannot reach: ScopeNameLengthTests
    /// holds the two together.</summary>
    public static int ContainerScopeLength(string pod, string container)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        static int Escaped(string name) => name.Length + (3 * name.Count(c => c == '-'));
        return "podunits-".Length + Escaped(pod) + 1 + Escaped(container) + ".scope".Length;
    }

    /// <summary>The longest unit name systemd takes (UNIT_NAME_MAX less its NUL).</summary>
    public const int MaxUnitName = 255;

    /// <summary>pod@NAME.socket: the socket unit whose sockets pod@NAME.service gets (docs/activation.md).</summary>
    public static string Socket(string pod) => $"pod@{pod}.socket";
}

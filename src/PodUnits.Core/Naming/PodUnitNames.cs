namespace PodUnits.Core.Naming;

/// <summary>
/// The unit that runs a pod: pod@NAME.service (docs/design.md). A valid pod name
/// (<see cref="ResourceNames"/>) needs no escaping in it. The one place this name is formed.
/// </summary>
public static class PodUnitNames
{
    public static string Service(string pod) => $"pod@{pod}.service";

    /// <summary>pod@NAME.socket: the socket unit whose sockets pod@NAME.service gets (docs/activation.md).</summary>
    public static string Socket(string pod) => $"pod@{pod}.socket";
}

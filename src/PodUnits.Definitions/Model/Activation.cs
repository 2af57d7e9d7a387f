namespace PodUnits.Definitions;

/// <summary>
/// What a pod asks of systemd's activation protocols (docs/activation.md): the container
/// whose sd_notify READY=1 gates the pod's READY (annotation podunits.io/notify), the
/// container that gets the sockets of pod@NAME.socket (podunits.io/listen-container, or the
/// pod's only container) and the addresses the generator writes into that socket unit
/// (podunits.io/listen). Every name here is a container of spec.containers.
/// </summary>
public sealed record PodActivation
{
    public static readonly PodActivation None = new();

    /// <summary>podunits.io/notify: the container that gets NOTIFY_SOCKET; null: none.</summary>
    public string? NotifyContainer { get; init; }

    /// <summary>podunits.io/listen-container, else the only container when podunits.io/listen
    /// is set; null: sockets go to the pod's only container if it has one, else are refused.</summary>
    public string? ListenContainer { get; init; }

    /// <summary>podunits.io/listen: the generator's pod@NAME.socket listens on these; empty: no
    /// generated socket unit (an administrator may still write one).</summary>
    public IReadOnlyList<ListenAddress> Listen { get; init; } = [];
}

/// <summary>One listening socket of a generated socket unit: <paramref name="Setting"/> is
/// ListenStream or ListenDatagram (systemd.socket(5)), <paramref name="Address"/> its value,
/// already checked to be a port, an IP literal with a port, or an absolute path of safe
/// characters, so it can go into a unit file as it is.</summary>
public sealed record ListenAddress(string Setting, string Address);

using PodUnits.Definitions;

namespace PodUnits.Generator;

/// <summary>
/// What the generator derives from one pod definition: the settings of its
/// pod@NAME.service drop-in and whether multi-user.target wants it. Pure data, so the
/// definition-to-unit rules (<see cref="PodUnitSettingsMapper"/>) and the rendering
/// (<see cref="DropInRenderer"/>) are tested without systemd.
/// </summary>
public sealed record PodUnitSettings
{
    public required string PodName { get; init; }

    /// <summary>The definition file, shown by `systemctl status` as the unit's source.</summary>
    public required string SourcePath { get; init; }

    public required string Description { get; init; }

    /// <summary>systemd's Restart= value: always, on-failure or no.</summary>
    public required string Restart { get; init; }

    /// <summary>TimeoutStopSec=: the pod's grace period plus the executor's own margin.</summary>
    public required int TimeoutStopSeconds { get; init; }

    /// <summary>TimeoutStartSec= when systemd's default would cut short a start Kubernetes
    /// lets run (init containers, a slow startup probe); null keeps the default.</summary>
    public string? TimeoutStart { get; init; }

    /// <summary>The start has no deadline (TimeoutStartSec=infinity: init containers). Such a
    /// pod must not hold up what wants it: a target orders itself after every unit it wants
    /// (systemd.target(5)), so multi-user.target would wait at boot for as long as an init
    /// container waits for its database. The drop-in then sets DefaultDependencies=no, which
    /// drops that ordering, and spells out a service's other default dependencies.</summary>
    public bool StartHasNoDeadline => TimeoutStart == PodUnitSettingsMapper.NoDeadline;

    /// <summary>Order after, and pull in, network-online.target.</summary>
    public required bool NeedsNetwork { get; init; }

    /// <summary>
    /// Journal fields for LogExtraFields=, beyond pod@.service's own POD_NAME=%i: POD_ID,
    /// and for a pod of one container its CONTAINER_* fields too. journald adds them to every
    /// entry of the unit, which lets the executor pass that container's output over
    /// journald's stream protocol, with no fields of its own per line (docs/journal.md).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> LogExtraFields { get; init; } = [];

    /// <summary>podunits.io/autostart: "true" — start at boot (multi-user.target wants it), or,
    /// for a socket-activated pod, listen at boot (sockets.target wants pod@NAME.socket).</summary>
    public required bool Autostart { get; init; }

    /// <summary>hostPath volumes' sources: RequiresMountsFor= orders the pod after the mounts
    /// they live on (an NFS share, a late local mount) and keeps those until it has stopped.</summary>
    public IReadOnlyList<string> MountsFor { get; init; } = [];

    /// <summary>podunits.io/listen: the generated pod@NAME.socket listens on these; empty: no socket unit.</summary>
    public IReadOnlyList<ListenAddress> Listen { get; init; } = [];

    /// <summary>Started on the first connection, not at boot.</summary>
    public bool SocketActivated => Listen.Count > 0;

    /// <summary>The unit that autostart enables: pod@NAME.socket for a socket-activated pod,
    /// pod@NAME.service otherwise (the one a preset rule is matched against).</summary>
    public string BootUnit => SocketActivated ? Core.Naming.PodUnitNames.Socket(PodName) : Core.Naming.PodUnitNames.Service(PodName);
}

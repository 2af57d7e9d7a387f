namespace PodUnits.Cli.Inspection;

/// <summary>What `podunits list` and `podunits status` say about a pod (also their JSON).</summary>
internal sealed record PodReport(
    string Name,
    string? Definition,
    string? DefinitionError,
    bool Autostart,
    string Unit,
    string State,
    string SubState,
    uint MainPid,
    MachineReport? Machine,
    IReadOnlyList<ContainerReport> Containers)
{
    /// <summary>The pod's network while it runs (its CNI network, or the host's); null when stopped.</summary>
    public NetworkReport? Network { get; init; }

    /// <summary>The pod's user namespace range (hostUsers: false), kept across restarts; null
    /// for a pod that shares the host's users.</summary>
    public UsersReport? Users { get; init; }

    /// <summary>The unit's STATUS= line: what the pod is doing ("2 containers running",
    /// a back-off's wait) or, once failed, why; null when it has none.</summary>
    public string? StatusText { get; init; }

    /// <summary>systemd's Result= of the unit when it is not "success" ("signal",
    /// "exit-code", "timeout"...): how the last run ended; null when it ended well or runs.</summary>
    public string? Result { get; init; }

    /// <summary><see cref="Result"/> in words, with the executor's exit status or signal
    /// ("the executor was killed by SIGKILL").</summary>
    public string? Failure { get; init; }

    /// <summary>Why systemd does not have the generator's settings for the current definition
    /// (added or changed after the last daemon-reload); null when it has them.</summary>
    public string? StaleUnitSettings { get; init; }

    /// <summary>What a pod that no longer runs still holds because its executor was killed
    /// (PodStateGc.Leftovers: its network attachment, runtime state, image pins), which `podunits
    /// stop NAME` or `podunits gc` release; null while it runs or when it left nothing.</summary>
    public IReadOnlyList<string>? Leftovers { get; init; }

    /// <summary>Last lines of the containers' output; null (and left out of the JSON) where
    /// they were not asked for: `list` does not read the journal, and `[]` there read as "no
    /// output" (tour G).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? RecentLines { get; init; }
}

/// <summary>The network a running pod joined, its addresses and published ports (from the
/// executor's record, /run/podunits/state/NAME/network.json); with hostNetwork, "host", no
/// address of its own, and the host ports its containers claim.</summary>
internal sealed record NetworkReport(string Name, IReadOnlyList<string> Ips, IReadOnlyList<string> Ports)
{
    public const string Host = "host";

    /// <summary>The pod shares the host's network namespace (hostNetwork: true).</summary>
    public bool HostNetwork { get; init; }
}

/// <summary>Container IDs 0..Size-1 are host IDs HostFirst..HostFirst+Size-1 (users and groups).</summary>
/// <summary>The pod's user namespace range; <paramref name="Error"/> says why its file could
/// not be read (then the numbers are 0): the one pod's report says so, not the whole list.</summary>
internal sealed record UsersReport(uint HostFirst, uint Size, string? Error = null);

internal sealed record MachineReport(string Id, string State, uint Leader, string Unit);

internal sealed record ContainerReport(
    string Name,
    bool Init,
    string Image,
    string Scope,
    string State,
    ulong? MemoryCurrentBytes,
    ulong? MemoryMaxBytes,
    ulong? CpuQuotaPerSecUSec,
    int? Pid)
{
    /// <summary>What the executor says of the container while the pod runs (null otherwise):
    /// ready, restarts, last exit and probe (/run/podunits/state/NAME/containers.json).</summary>
    public ContainerHealthReport? Health { get; init; }

    /// <summary>An init container with restartPolicy Always: it runs beside the containers.</summary>
    public bool Sidecar { get; init; }
}

/// <summary>Kubernetes' ContainerStatus, as far as PodUnits knows it.</summary>
internal sealed record ContainerHealthReport(
    string State,
    bool Ready,
    bool Started,
    int Restarts,
    string? StartedAt,
    string? RestartAt,
    int? LastExitCode,
    string? LastExitReason,
    string? LastProbe,
    string? NotifyStatus = null,
    bool PostStartDone = true,
    string? KilledBy = null,
    string? WaitingOn = null);

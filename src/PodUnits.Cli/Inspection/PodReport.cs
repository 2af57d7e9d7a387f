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
    /// <summary>Last lines of the containers' output (status only).</summary>
    public IReadOnlyList<string> RecentLines { get; init; } = [];
}

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
    int? Pid);

namespace PodUnits.Systemd.Units;

/// <summary>
/// A snapshot of a loaded unit, read from org.freedesktop.systemd1.Unit and the unit type's
/// own interface (Scope, Service, Slice). Resource values systemd reports as UINT64_MAX
/// ("not known" for MemoryCurrent, "no limit" for limits) are null here.
/// </summary>
public sealed record UnitStatus(
    string Name,
    string ObjectPath,
    string LoadState,
    string ActiveState,
    string SubState,
    string? Result,
    string? ControlGroup,
    uint MainPid,
    ulong? MemoryCurrent,
    ulong? MemoryMax,
    ulong? CpuQuotaPerSecUSec,
    ulong? TasksCurrent)
{
    public bool IsActive => ActiveState is "active" or "reloading" or "activating";

    /// <summary>A service's STATUS= line (systemctl status's "Status:"); null when it has none.</summary>
    public string? StatusText { get; init; }

    /// <summary>How a service's main process last ended (ExecMainCode: 1 exited, 2 killed, 3
    /// dumped core; 0 when it has not ended) and its exit status or signal number
    /// (ExecMainStatus), systemctl status's "Main PID: ... (code=killed, signal=KILL)".</summary>
    public int ExecMainCode { get; init; }

    /// <inheritdoc cref="ExecMainCode"/>
    public int ExecMainStatus { get; init; }
}

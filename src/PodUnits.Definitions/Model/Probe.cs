namespace PodUnits.Definitions;

/// <summary>A readiness probe: exactly one of <see cref="ExecCommand"/> or <see cref="TcpPort"/>
/// (a named port is already resolved to its number), with Kubernetes' timing defaults.</summary>
public sealed record Probe
{
    public IReadOnlyList<string>? ExecCommand { get; init; }
    public int? TcpPort { get; init; }
    public int InitialDelaySeconds { get; init; }
    public int PeriodSeconds { get; init; } = 10;
    public int TimeoutSeconds { get; init; } = 1;
    public int SuccessThreshold { get; init; } = 1;
    public int FailureThreshold { get; init; } = 3;
}

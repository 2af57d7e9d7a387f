namespace PodUnits.Definitions;

/// <summary>A liveness, readiness or startup probe: exactly one handler (<see cref="ExecCommand"/>,
/// <see cref="TcpPort"/>, <see cref="HttpGet"/> or <see cref="Grpc"/>; a named port is already
/// resolved to its number), with Kubernetes' timing defaults and minimums.</summary>
public sealed record Probe
{
    public IReadOnlyList<string>? ExecCommand { get; init; }
    public int? TcpPort { get; init; }
    /// <summary>tcpSocket.host; null = the pod's own address.</summary>
    public string? TcpHost { get; init; }
    public HttpGetAction? HttpGet { get; init; }
    public GrpcAction? Grpc { get; init; }
    public int InitialDelaySeconds { get; init; }
    public int PeriodSeconds { get; init; } = 10;
    public int TimeoutSeconds { get; init; } = 1;
    public int SuccessThreshold { get; init; } = 1;
    public int FailureThreshold { get; init; } = 3;
    /// <summary>Probe-level terminationGracePeriodSeconds (liveness and startup only): the
    /// grace period when this probe's failure kills the container; null = the pod's.</summary>
    public long? TerminationGracePeriodSeconds { get; init; }
}

/// <summary>httpGet of a probe or a lifecycle hook.</summary>
public sealed record HttpGetAction
{
    /// <summary>"HTTP" or "HTTPS" (Kubernetes' spelling).</summary>
    public string Scheme { get; init; } = "HTTP";
    /// <summary>null = the pod's own address.</summary>
    public string? Host { get; init; }
    public required int Port { get; init; }
    public string Path { get; init; } = "/";
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>grpc: the gRPC health checking protocol v1 (grpc.health.v1.Health/Check).</summary>
public sealed record GrpcAction
{
    public required int Port { get; init; }
    /// <summary>The service name sent in the request; null = "" (the server as a whole).</summary>
    public string? Service { get; init; }
}

/// <summary>A lifecycle hook (postStart or preStop): exactly one of exec, httpGet or sleep.</summary>
public sealed record LifecycleHandler
{
    public IReadOnlyList<string>? ExecCommand { get; init; }
    public HttpGetAction? HttpGet { get; init; }
    public long? SleepSeconds { get; init; }
}

public sealed record Lifecycle
{
    public LifecycleHandler? PostStart { get; init; }
    public LifecycleHandler? PreStop { get; init; }
}

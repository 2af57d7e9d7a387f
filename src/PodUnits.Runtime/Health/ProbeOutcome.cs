namespace PodUnits.Runtime.Health;

/// <summary>One probe's (or httpGet hook's) result. <see cref="Message"/> is the line the
/// journal shows; its wording follows the kubelet's (pkg/probe/{tcp,http,grpc}) where that is
/// meaningful outside Go, e.g. "HTTP probe failed with statuscode: 500",
/// "dial tcp 127.0.0.1:8080: connect: connection refused".</summary>
public readonly record struct ProbeOutcome(bool Success, string Message)
{
    public static ProbeOutcome Passed(string message) => new(true, message);

    public static ProbeOutcome Failed(string message) => new(false, message);
}

namespace PodUnits.Runtime.Health;

/// <summary>One probe's (or httpGet hook's) result. <see cref="Message"/> is the line the
/// journal shows; its wording follows the kubelet's (pkg/probe/{tcp,http,grpc}) where that is
/// meaningful outside Go, e.g. "HTTP probe failed with statuscode: 500",
/// "dial tcp 127.0.0.1:8080: connect: connection refused".</summary>
/// The message is one line without control characters, whoever built it: parts of it come
/// from the container (a body, a gRPC server's grpc-message, percent-decoded, an exec
/// probe's output), and it is shown by `podunits status` and in the unit's STATUS=, where an
/// escape sequence would drive the reader's terminal (terminal review of 2026-12-06, finding
/// 1: a gRPC message's "%1B]0;...", decoded, set the administrator's terminal title).
public readonly record struct ProbeOutcome(bool Success, string Message)
{
    private readonly string _message = Core.Text.OneLine.Spaced(Message ?? "");

    public string Message
    {
        get => _message;
        init => _message = Core.Text.OneLine.Spaced(value ?? "");
    }

    public static ProbeOutcome Passed(string message) => new(true, message);

    public static ProbeOutcome Failed(string message) => new(false, message);
}

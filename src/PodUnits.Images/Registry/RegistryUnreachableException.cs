using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.Images.Registry;

/// <summary>
/// A registry that could not be talked to at all: its name does not resolve, nothing
/// accepts the connection, or it does not answer within the connect timeout. HttpClient
/// says so with exceptions of its own ("Resource temporarily unavailable
/// (registry-1.docker.io:443)" when DNS gives no answer), which would otherwise reach the
/// user as an internal error; this is one line that says which registry and what went
/// wrong. A type of its own so that a caller can tell "could not be reached" (a pod then
/// runs its stored copy, ContainerImages) from "answered no" (denied, not found), which
/// stays a plain <see cref="PodUnitsException"/>.
/// </summary>
public sealed class RegistryUnreachableException : PodUnitsException
{
    private RegistryUnreachableException(ImageReference reference, string why, Exception inner)
        : base($"image {reference.ToFamiliarString()}", why, ExitCodes.RuntimeFailure, inner)
    {
    }

    /// <summary>Whether <paramref name="e"/> is a failure to reach the registry rather than
    /// an answer from it or the caller's own cancellation.</summary>
    internal static bool Is(Exception e, CancellationToken cancellationToken) => e switch
    {
        HttpRequestException http => http.StatusCode is null && http.InnerException is not System.Security.Authentication.AuthenticationException,
        RegistryStalledException => true,
        // SocketsHttpHandler's ConnectTimeout ends the request as a cancellation.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The error for <paramref name="e"/>; <paramref name="mirrors"/>: what each mirror
    /// tried first said, when there were any.</summary>
    internal static RegistryUnreachableException From(ImageReference reference, Exception e, string? mirrors = null) =>
        new(reference, $"cannot reach registry {reference.ApiHost}: {Reason(e, reference.ApiHost)}{(mirrors is null ? "" : $" (mirrors tried first: {mirrors})")}", e);

    private static string Reason(Exception e, string host) => Socket(e)?.SocketErrorCode switch
    {
        SocketError.HostNotFound or SocketError.NoData => $"no such host (DNS knows no {HostName(host)})",
        SocketError.TryAgain => $"{HostName(host)} does not resolve (no answer from DNS)",
        SocketError.ConnectionRefused => "connection refused",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to it",
        SocketError.TimedOut => "connection timed out",
        _ when e is OperationCanceledException => "no answer within the connect timeout (30 s)",
        _ when e is RegistryStalledException stall => $"it sent nothing for {stall.Limit.TotalSeconds:0.###} s",
        _ => e.Message,
    };

    private static string HostName(string apiHost) =>
        apiHost.StartsWith('[') ? apiHost : apiHost.Split(':')[0];

    private static SocketException? Socket(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException socket)
            {
                return socket;
            }
        }
        return null;
    }
}

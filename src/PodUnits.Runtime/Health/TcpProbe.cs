using System.Net;
using System.Net.Sockets;

namespace PodUnits.Runtime.Health;

/// <summary>tcpSocket probes, as the kubelet's pkg/probe/tcp: success = a TCP connect to the
/// target completes within the timeout; the connection is closed at once.</summary>
public static class TcpProbe
{
    /// <param name="newSocket">An unconnected TCP socket of the given family, created in the
    /// pod's network namespace (the executor makes it on a thread that setns()ed there).</param>
    /// <param name="cancellationToken">The caller's stop: cancelling throws
    /// <see cref="OperationCanceledException"/> rather than reporting a failed probe.</param>
    public static async Task<ProbeOutcome> CheckAsync(Func<AddressFamily, Socket> newSocket, IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newSocket);
        ArgumentNullException.ThrowIfNull(address);
        string target = ProbeText.HostPort(address, port);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using Socket socket = newSocket(address.AddressFamily);
            await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token).ConfigureAwait(false);
            return ProbeOutcome.Passed($"connected to {target}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Failed($"dial tcp {target}: i/o timeout (after {ProbeText.Duration(timeout)})");
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return ProbeOutcome.Failed(ProbeText.DialError(target, e));
        }
    }
}

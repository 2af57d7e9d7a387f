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
    public static Task<ProbeOutcome> CheckAsync(Func<AddressFamily, Socket> newSocket, IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken) =>
        CheckAsync(newSocket, [address], port, timeout, cancellationToken);

    /// <param name="addresses">A host name's addresses, tried in turn until one connects,
    /// each with its share of the one timeout (DialDeadline), as Go's dialer tries them: `host: localhost` resolves to ::1
    /// first, and a server listening on IPv4 only must still pass (health review of
    /// 2026-12-06, finding 3). A failure is said as the first address's, as Go's is.</param>
    public static async Task<ProbeOutcome> CheckAsync(Func<AddressFamily, Socket> newSocket, IReadOnlyList<IPAddress> addresses, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newSocket);
        ArgumentNullException.ThrowIfNull(addresses);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        ProbeOutcome? first = null;
        for (int i = 0; i < addresses.Count; i++)
        {
            IPAddress address = addresses[i];
            string target = ProbeText.HostPort(address, port);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            attempt.CancelAfter(DialDeadline.Share(timeout, started, addresses.Count - i));
            try
            {
                using Socket socket = newSocket(address.AddressFamily);
                await socket.ConnectAsync(new IPEndPoint(address, port), attempt.Token).ConfigureAwait(false);
                return ProbeOutcome.Passed($"connected to {target}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ProbeOutcome timedOut = ProbeOutcome.Failed($"dial tcp {target}: i/o timeout (after {ProbeText.Duration(timeout)})");
                if (deadline.IsCancellationRequested)
                {
                    return first ?? timedOut;
                }
                first ??= timedOut; // its share is spent: the next address
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                first ??= ProbeOutcome.Failed(ProbeText.DialError(target, e));
            }
        }
        return first ?? throw new ArgumentException("no address to probe", nameof(addresses));
    }
}

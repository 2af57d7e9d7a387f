using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace PodUnits.Runtime.Health;

/// <summary>
/// The HTTP client of the httpGet and gRPC probes: .NET's SocketsHttpHandler, which
/// does HTTP/1.1, HTTPS and HTTP/2 with prior knowledge and reads trailers. What makes it a
/// prober's client:
/// <list type="bullet">
/// <item>its connections come from the request's <see cref="Target"/>: the socket factory of
/// the pod's network namespace and the already-resolved address (the host in the URL is only
/// the name the request carries, never looked up here);</item>
/// <item>no connection is reused or left open: each probe dials anew and closes, as the
/// kubelet's does (DisableKeepAlives; a fresh gRPC dial per probe, closed after it), so a pod's
/// server never holds idle prober connections and a restart never finds a stale one;</item>
/// <item>no proxy, cookies, decompression or automatic redirects (the http probe follows them
/// by the kubelet's rule itself); HTTPS without certificate checks (the kubelet's
/// InsecureSkipVerify).</item>
/// </list>
/// <para>Why .NET's client and not a hand-written one, measured (NativeAOT, linux-x64, stage 1's
/// settings: OptimizationPreference=Size, UseSystemResourceKeys, stripped):
/// podunits-stage1 is 5,189,720 bytes without these probes and 9,087,184 with them reachable
/// (+3.9 MB); its start-up peak RSS goes from 5.99 MB to 7.50 MB (the larger image's data
/// is paged in even when no probe runs). But the bulk is TLS, not HTTP: a console app that
/// only connects a socket is 1,870,744 bytes, one that makes an HttpClient request (HTTP/1.1
/// or HTTP/2 alike) 5,640,296, and one that only does an SslStream handshake, no HttpClient,
/// 5,627,704, because SslStream's X509 chain code keeps HttpClient (to fetch intermediate
/// certificates) anyway. So while HTTPS probes run in this process, a hand-written HTTP/1.1
/// client, or HTTP/2 + HPACK for gRPC, would save ~13 KB and add a protocol implementation to
/// maintain. The saving exists only if TLS leaves stage 1 altogether (e.g. HTTPS probes done
/// by a helper process handed the connected socket); then hand-writing both becomes worth it.
/// OpenSSL is loaded only when an HTTPS probe handshakes: after an HTTP, gRPC or TCP probe
/// /proc/self/maps of the AOT binary has no libssl (RSS then 8.4-9.6 MB; after an HTTPS
/// handshake 15.2 MB).</para>
/// </summary>
internal static class ProbeHttpClient
{
    /// <summary>What a request's connection is made from: the option key and its value.</summary>
    public static readonly HttpRequestOptionsKey<Target> TargetKey = new("PodUnits.Probe.Target");

    /// <summary>The httpGet probes' client: HTTP/1.1 requests with Connection: close, so no
    /// connection outlives its request and one handler serves every probe.</summary>
    public static HttpMessageInvoker Client { get; } = new(NewHandler(), disposeHandler: true);

    /// <summary>A handler of its own for one gRPC probe, disposed after it: HTTP/2 has no
    /// Connection: close, and a pooled HTTP/2 connection stays in the pool after its request
    /// even with PooledConnectionLifetime zero, where a concurrent probe could pick it up just
    /// as <see cref="Target.Close"/> ends it.</summary>
    public static SocketsHttpHandler NewHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectCallback = ConnectAsync,
        ActivityHeadersPropagator = null,
        SslOptions = new SslClientAuthenticationOptions
        {
#pragma warning disable CA5359 // the kubelet probes HTTPS with InsecureSkipVerify: a pod's own certificate is not for the prober to judge
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        },
    };

    /// <summary>A request's connection target. <see cref="Connected"/> tells a timeout while
    /// dialling from one while waiting for the answer (the gRPC probe words them differently).</summary>
    /// <param name="addresses">Tried in turn until one connects (a host name's addresses, as
    /// Go's dialer tries them); a failure is said as the first's.</param>
    internal sealed class Target(Func<AddressFamily, Socket> newSocket, IReadOnlyList<IPAddress> addresses)
    {
        private Socket? _socket;

        public Target(Func<AddressFamily, Socket> newSocket, IPAddress address) : this(newSocket, [address])
        {
        }

        public Func<AddressFamily, Socket> NewSocket { get; } = newSocket;
        public IReadOnlyList<IPAddress> Addresses { get; } = addresses;

        /// <summary>The whole request's timeout and its start, for each address's share of
        /// it (DialDeadline); infinite: no share.</summary>
        public TimeSpan Timeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;
        public long Started { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
        public bool Connected => Volatile.Read(ref _socket) is not null;

        public void Opened(Socket socket) => Volatile.Write(ref _socket, socket);

        /// <summary>Closes the probe's connection. Disposing a SocketsHttpHandler does not close
        /// an HTTP/2 connection whose stream has just ended (measured: it stays open), so the
        /// gRPC probe closes its socket itself, as the kubelet closes its connection.</summary>
        public void Close() => Volatile.Read(ref _socket)?.Dispose();
    }

    public static HttpRequestMessage Request(HttpMethod method, Uri uri, Target target, Version version)
    {
        var request = new HttpRequestMessage(method, uri) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Options.Set(TargetKey, target);
        return request;
    }

    /// <summary>A body up to <paramref name="limit"/> bytes; the rest is left unread.</summary>
    public static async Task<byte[]> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[limit];
            int total = 0;
            while (total < limit)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                total += n;
            }
            return total == limit ? buffer : buffer[..total];
        }
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(TargetKey, out Target? target))
        {
            throw new InvalidOperationException("probe request without a target");
        }
        int port = context.DnsEndPoint.Port;
        ProbeDialException? first = null;
        for (int i = 0; i < target.Addresses.Count; i++)
        {
            IPAddress address = target.Addresses[i];
            Socket? socket = null;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(DialDeadline.Share(target.Timeout, target.Started, target.Addresses.Count - i));
            try
            {
                socket = target.NewSocket(address.AddressFamily);
                socket.NoDelay = true;
                await socket.ConnectAsync(new IPEndPoint(address, port), attempt.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                socket?.Dispose();
                first ??= new ProbeDialException(ProbeText.DialError(ProbeText.HostPort(address, port), e), e);
                continue; // the name's next address
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && i < target.Addresses.Count - 1)
            {
                socket?.Dispose(); // its share of the timeout is spent: the next address
                first ??= new ProbeDialException($"dial tcp {ProbeText.HostPort(address, port)}: i/o timeout", new TimeoutException());
                continue;
            }
            catch
            {
                socket?.Dispose();
                throw;
            }
            target.Opened(socket);
            return new NetworkStream(socket, ownsSocket: true);
        }
        throw (Exception?)first ?? new InvalidOperationException("probe request without an address");
    }
}

/// <summary>A failed connect, with Go's wording as its message.</summary>
internal sealed class ProbeDialException(string message, Exception inner) : IOException(message, inner);

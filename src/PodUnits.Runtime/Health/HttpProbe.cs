using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Health;

/// <summary>
/// httpGet probes and httpGet lifecycle hooks, as the kubelet's pkg/probe/http:
/// GET scheme://host:port/path over a new connection (Connection: close); User-Agent
/// "kube-probe/1.N" and Accept "*/*" unless the probe's headers set them; Host = host:port
/// unless they set it; success when 200 &lt;= status &lt; 400. Redirects are followed while they
/// stay on the same host name (at most 10); one to another host ends the probe with that 3xx,
/// a success with the kubelet's warning "Probe terminated redirects". At most 10 KiB of the
/// body is read. The timeout covers everything: connect, TLS, redirects, headers and body.
/// HTTPS does not check the certificate (the kubelet's InsecureSkipVerify). The client is
/// <see cref="ProbeHttpClient"/> (why .NET's own, and what it costs, is said there).
/// </summary>
public static class HttpProbe
{
    /// <summary>The kubelet reads at most this much of a probe's response body.</summary>
    internal const int MaxBody = 10 * 1024;
    private const int MaxRedirects = 10;

    /// <param name="newSocket">An unconnected TCP socket of the given family, created in the
    /// pod's network namespace.</param>
    /// <param name="address">Where to connect (resolved by the executor); the URL and Host
    /// header carry <see cref="HttpGetPlan.Host"/> when it is set, else this address.</param>
    /// <param name="cancellationToken">The caller's stop: cancelling throws
    /// <see cref="OperationCanceledException"/> rather than reporting a failed probe.</param>
    /// <param name="hook">A lifecycle hook rather than a probe: any response is a success, as
    /// the kubelet's hook runner only fails on a request that gets none.</param>
    public static Task<ProbeOutcome> CheckAsync(Func<AddressFamily, Socket> newSocket, HttpGetPlan get, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken,
        bool hook = false) =>
        CheckAsync(newSocket, get, [address], timeout, cancellationToken, hook);

    /// <param name="addresses">The host name's addresses, tried in turn until one connects
    /// (TcpProbe says why).</param>
    public static async Task<ProbeOutcome> CheckAsync(Func<AddressFamily, Socket> newSocket, HttpGetPlan get, IReadOnlyList<IPAddress> addresses, TimeSpan timeout, CancellationToken cancellationToken,
        bool hook = false)
    {
        ArgumentNullException.ThrowIfNull(newSocket);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(addresses);
        IPAddress address = addresses[0];
        string host = string.IsNullOrEmpty(get.Host) ? address.ToString() : get.Host;
        string hostPort = ProbeText.HostPort(host, get.Port);
        string scheme = string.Equals(get.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        string path = get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
        if (!Uri.TryCreate($"{scheme}://{hostPort}{path}", UriKind.Absolute, out Uri? uri))
        {
            return ProbeOutcome.Failed($"parse \"{scheme}://{hostPort}{path}\": invalid URL");
        }
        var target = new ProbeHttpClient.Target(newSocket, addresses) { Timeout = timeout };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // The first Host, as the kubelet's headers.Get("Host") takes it.
        string? hostHeader = get.Headers.FirstOrDefault(h => string.Equals(h.Name, "Host", StringComparison.OrdinalIgnoreCase))?.Value ?? hostPort;
        for (int redirects = 0; ; redirects++)
        {
            try
            {
                HttpRequestMessage request;
                try
                {
                    request = NewRequest(uri, target, get.Headers, hostHeader);
                }
                catch (FormatException)
                {
                    // Go's client: "invalid Host header". It escaped as an exception no hook
                    // caught, and a postStart hook never reported (health review of 2026-12-06, 4).
                    return ProbeOutcome.Failed($"Get \"{uri}\": http: invalid Host header");
                }
                using HttpRequestMessage _ = request;
                using HttpResponseMessage response = await ProbeHttpClient.Client.SendAsync(request, deadline.Token).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                Uri? location = response.Headers.Location;
                if (status is 301 or 302 or 303 or 307 or 308 && location is not null)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (string.Equals(next.Host, uri.Host, StringComparison.OrdinalIgnoreCase) && next.Scheme is "http" or "https")
                    {
                        if (redirects + 1 >= MaxRedirects)
                        {
                            return ProbeOutcome.Failed($"Get \"{next}\": stopped after {MaxRedirects} redirects");
                        }
                        // Go keeps a custom Host header only through a relative redirect.
                        hostHeader = location.IsAbsoluteUri ? null : hostHeader;
                        uri = next;
                        continue;
                    }
                }
                byte[] body = await ProbeHttpClient.ReadAtMostAsync(response.Content, MaxBody, deadline.Token).ConfigureAwait(false);
                return hook ? ProbeOutcome.Passed($"HTTP hook got statuscode: {status}") : Judge(status, body);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ProbeOutcome.Failed($"Get \"{uri}\": timeout after {ProbeText.Duration(timeout)} (Client.Timeout exceeded)");
            }
            catch (HttpRequestException e)
            {
                return ProbeOutcome.Failed($"Get \"{uri}\": {Reason(e)}");
            }
            catch (IOException e)
            {
                return ProbeOutcome.Failed($"Get \"{uri}\": {Reason(e)}");
            }
            finally
            {
                target.Close(); // Connection: close has ended it already; this is for the unforeseen
            }
        }
    }

    /// <summary>The kubelet's verdict on a response (redirects already followed).</summary>
    internal static ProbeOutcome Judge(int status, ReadOnlySpan<byte> body) => status switch
    {
        >= 200 and < 300 => ProbeOutcome.Passed($"HTTP probe succeeded with statuscode: {status}"),
        >= 300 and < 400 => ProbeOutcome.Passed($"Probe terminated redirects, Response body: {ProbeText.Excerpt(body)}"),
        _ => ProbeOutcome.Failed(body.IsEmpty
            ? $"HTTP probe failed with statuscode: {status}"
            : $"HTTP probe failed with statuscode: {status}, Response body: {ProbeText.Excerpt(body)}"),
    };

    private static HttpRequestMessage NewRequest(Uri uri, ProbeHttpClient.Target target, List<HttpHeaderPlan> headers, string? hostHeader)
    {
        HttpRequestMessage request = ProbeHttpClient.Request(HttpMethod.Get, uri, target, HttpVersion.Version11);
        HttpRequestHeaders h = request.Headers;
        h.ConnectionClose = true;
        bool userAgent = false, accept = false;
        foreach (HttpHeaderPlan header in headers)
        {
            if (string.Equals(header.Name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue; // the caller's hostHeader
            }
            userAgent |= string.Equals(header.Name, "User-Agent", StringComparison.OrdinalIgnoreCase);
            if (string.Equals(header.Name, "Accept", StringComparison.OrdinalIgnoreCase))
            {
                accept = true;
                if (header.Value.Length == 0)
                {
                    continue; // the kubelet deletes an Accept set to "": none is sent
                }
            }
            if (!h.TryAddWithoutValidation(header.Name, header.Value))
            {
                // A content header (Content-Type, Content-Language...), which .NET keeps on a
                // request's content only: an empty one carries it, as Go sends it on a GET.
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value);
            }
        }
        if (!userAgent)
        {
            h.TryAddWithoutValidation("User-Agent", ProbeText.UserAgent);
        }
        if (!accept)
        {
            h.TryAddWithoutValidation("Accept", "*/*");
        }
        // .NET would drop a default port from Host; the kubelet's URL (and so its Host) always
        // has it. null (after an absolute redirect): the URL's authority, as Go.
        h.Host = hostHeader;
        return request;
    }

    /// <summary>Why a request failed, in words that survive the release build (it keeps
    /// resource keys, not .NET's messages: UseSystemResourceKeys): Go's dial error for a failed
    /// connect, else what the error's kind says.</summary>
    internal static string Reason(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is ProbeDialException)
            {
                return x.Message;
            }
        }
        HttpRequestError? kind = e switch
        {
            HttpRequestException r => r.HttpRequestError,
            HttpIOException io => io.HttpRequestError,
            _ => null,
        };
        return kind switch
        {
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.HttpProtocolError => "HTTP protocol error",
            HttpRequestError.ResponseEnded => "EOF: the server closed the connection without a complete response",
            HttpRequestError.InvalidResponse => "malformed HTTP response",
            HttpRequestError.VersionNegotiationError => "the server does not speak the HTTP version asked for",
            HttpRequestError.ConfigurationLimitExceeded => "the response headers are too large",
            HttpRequestError.ConnectionError => "connection error",
            _ => e.Message,
        };
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Health;

/// <summary>
/// grpc probes, as the kubelet's pkg/probe/grpc: one unary call of the gRPC health checking
/// protocol v1 (grpc.health.v1.Health/Check) over cleartext HTTP/2 with prior knowledge (the
/// kubelet never uses TLS here), on a new connection; success only when the call ends with
/// grpc-status 0 and the response says SERVING. The timeout covers dialling and the call.
/// <para>No gRPC or protobuf package: the wire format of two one-field messages is a few
/// lines (a length-delimited string in, a varint enum out, in gRPC's 5-byte framing), while
/// Grpc.Net.Client and Google.Protobuf would add megabytes and reflection-based code to a
/// NativeAOT binary for one call. HTTP/2 itself is .NET's (<see cref="ProbeHttpClient"/>).</para>
/// </summary>
public static class GrpcHealthProbe
{
    public const string CheckPath = "/grpc.health.v1.Health/Check";

    /// <summary>The largest response message read: a HealthCheckResponse is 2 bytes.</summary>
    private const int MaxResponse = 4096;

    /// <param name="newSocket">An unconnected TCP socket of the given family, created in the
    /// pod's network namespace.</param>
    /// <param name="cancellationToken">The caller's stop: cancelling throws
    /// <see cref="OperationCanceledException"/> rather than reporting a failed probe.</param>
    public static async Task<ProbeOutcome> CheckAsync(Func<AddressFamily, Socket> newSocket, GrpcPlan grpc, IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newSocket);
        ArgumentNullException.ThrowIfNull(grpc);
        ArgumentNullException.ThrowIfNull(address);
        string addr = ProbeText.HostPort(address, grpc.Port);
        var target = new ProbeHttpClient.Target(newSocket, address);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using HttpRequestMessage request = ProbeHttpClient.Request(HttpMethod.Post, new Uri($"http://{addr}{CheckPath}"), target, HttpVersion.Version20);
            request.Headers.TryAddWithoutValidation("te", "trailers");
            request.Headers.TryAddWithoutValidation("User-Agent", ProbeText.UserAgent);
            request.Content = new ByteArrayContent(Frame(EncodeRequest(grpc.Service)));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            using var client = new HttpMessageInvoker(ProbeHttpClient.NewHandler(), disposeHandler: true);
            using HttpResponseMessage response = await client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            // Read to the end (trailers come after the body), but no more than a response can be.
            byte[] body = await ProbeHttpClient.ReadAtMostAsync(response.Content, MaxResponse + 6, deadline.Token).ConfigureAwait(false);
            return body.Length > MaxResponse + 5
                ? RpcFailure(8, "grpc: received message larger than max", timeout)
                : Judge(response, body, timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return target.Connected
                ? ProbeOutcome.Failed($"timeout: health rpc did not complete within {ProbeText.Duration(timeout)}")
                : ProbeOutcome.Failed($"timeout: failed to connect service \"{addr}\" within {ProbeText.Duration(timeout)}: context deadline exceeded");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return target.Connected
                ? ProbeOutcome.Failed($"error: health rpc probe failed: rpc error: code = Unavailable desc = {HttpProbe.Reason(e)}")
                : ProbeOutcome.Failed($"error: failed to connect service at \"{addr}\": {HttpProbe.Reason(e)}");
        }
        finally
        {
            target.Close();
        }
    }

    /// <summary>The kubelet's verdict on a finished call: the gRPC status (trailers, or the
    /// headers of a trailers-only response), then the HealthCheckResponse's status.</summary>
    private static ProbeOutcome Judge(HttpResponseMessage response, byte[] body, TimeSpan timeout)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // gRPC over HTTP/2: a non-200 status maps to a gRPC code (gRPC's http-grpc-status-mapping).
            int code = (int)response.StatusCode switch { 400 => 13, 401 => 16, 403 => 7, 404 => 12, 429 or 502 or 503 or 504 => 14, _ => 2 };
            return RpcFailure(code, $"unexpected HTTP status code received from server: {(int)response.StatusCode}", timeout);
        }
        string? status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        if (status is null || !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out int grpcStatus))
        {
            return RpcFailure(13, "server closed the stream without sending trailers", timeout);
        }
        if (grpcStatus != 0)
        {
            string message = Uri.UnescapeDataString(Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "");
            return RpcFailure(grpcStatus, message, timeout);
        }
        if (!TryUnframe(body, out ReadOnlySpan<byte> message2) || !TryDecodeStatus(message2, out int serving))
        {
            return RpcFailure(13, "grpc: failed to unmarshal the received message", timeout);
        }
        return serving == 1
            ? ProbeOutcome.Passed("service healthy")
            : ProbeOutcome.Failed($"service unhealthy (responded with \"{ServingStatusName(serving)}\")");
    }

    /// <summary>The kubelet's words for a failed call, by gRPC status code.</summary>
    private static ProbeOutcome RpcFailure(int code, string message, TimeSpan timeout) => code switch
    {
        12 => ProbeOutcome.Failed($"error: this server does not implement the grpc health protocol (grpc.health.v1.Health): {message}"),
        4 => ProbeOutcome.Failed($"timeout: health rpc did not complete within {ProbeText.Duration(timeout)}"),
        _ => ProbeOutcome.Failed($"error: health rpc probe failed: rpc error: code = {CodeName(code)} desc = {message}"),
    };

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    /// <summary>HealthCheckRequest { string service = 1; }: field 1, wire type 2, omitted when empty.</summary>
    internal static byte[] EncodeRequest(string? service)
    {
        if (string.IsNullOrEmpty(service))
        {
            return [];
        }
        byte[] text = Encoding.UTF8.GetBytes(service);
        var message = new List<byte>(text.Length + 6) { 0x0A };
        for (uint n = (uint)text.Length; ; n >>= 7)
        {
            if (n < 0x80)
            {
                message.Add((byte)n);
                break;
            }
            message.Add((byte)(n | 0x80));
        }
        message.AddRange(text);
        return [.. message];
    }

    /// <summary>gRPC's length-prefixed message: compressed flag 0, 4-byte big-endian length.</summary>
    internal static byte[] Frame(ReadOnlySpan<byte> message)
    {
        byte[] frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>The first (a unary call's only) message of a response body; compressed ones
    /// are refused (the probe offers no grpc-accept-encoding, so a server must not send them).</summary>
    internal static bool TryUnframe(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> message)
    {
        message = default;
        if (body.Length < 5 || body[0] != 0)
        {
            return false;
        }
        uint length = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (length > MaxResponse || length > (uint)(body.Length - 5))
        {
            return false;
        }
        message = body.Slice(5, (int)length);
        return true;
    }

    /// <summary>HealthCheckResponse { ServingStatus status = 1; }: the last field 1 wins, other
    /// fields are skipped, an absent one is 0 (UNKNOWN) as proto3 says.</summary>
    internal static bool TryDecodeStatus(ReadOnlySpan<byte> message, out int status)
    {
        status = 0;
        int i = 0;
        while (i < message.Length)
        {
            if (!TryVarint(message, ref i, out ulong key))
            {
                return false;
            }
            switch (key & 7)
            {
                case 0:
                    if (!TryVarint(message, ref i, out ulong value))
                    {
                        return false;
                    }
                    if (key >> 3 == 1)
                    {
                        status = unchecked((int)value);
                    }
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    if (!TryVarint(message, ref i, out ulong length) || length > (ulong)(message.Length - i))
                    {
                        return false;
                    }
                    i += (int)length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    return false;
            }
        }
        return i == message.Length;
    }

    private static bool TryVarint(ReadOnlySpan<byte> data, ref int i, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && i < data.Length; shift += 7)
        {
            byte b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>grpc.health.v1.HealthCheckResponse.ServingStatus names, as Go's String() prints them.</summary>
    private static string ServingStatusName(int status) => status switch
    {
        0 => "UNKNOWN",
        1 => "SERVING",
        2 => "NOT_SERVING",
        3 => "SERVICE_UNKNOWN",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>gRPC status code names, as grpc-go's codes.Code.String() prints them.</summary>
    private static string CodeName(int code) => code switch
    {
        0 => "OK", 1 => "Canceled", 2 => "Unknown", 3 => "InvalidArgument", 4 => "DeadlineExceeded",
        5 => "NotFound", 6 => "AlreadyExists", 7 => "PermissionDenied", 8 => "ResourceExhausted",
        9 => "FailedPrecondition", 10 => "Aborted", 11 => "OutOfRange", 12 => "Unimplemented",
        13 => "Internal", 14 => "Unavailable", 15 => "DataLoss", 16 => "Unauthenticated",
        _ => $"Code({code.ToString(CultureInfo.InvariantCulture)})",
    };
}

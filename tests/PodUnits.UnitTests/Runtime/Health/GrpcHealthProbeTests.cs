using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PodUnits.Runtime.Health;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>grpc probes against Kestrel speaking cleartext HTTP/2 (prior knowledge), playing a
/// grpc.health.v1 server: "" and "app" are SERVING, "down" NOT_SERVING, "slow" never answers,
/// "plain-404" answers without gRPC, anything else is NOT_FOUND (trailers-only, as grpc-go).</summary>
public sealed class GrpcHealthProbeTests : IAsyncLifetime
{
    private readonly SocketFactory _sockets = new();
    private readonly ConcurrentQueue<(string Path, string? ContentType, string? Te, string Service, string Connection)> _calls = new();
    private WebApplication _server = null!;
    private int _port;
    private int _openConnections;

    public async Task InitializeAsync()
    {
        _server = await KestrelServer.StartAsync(HttpProtocols.Http2, ServeAsync, listen => listen.Use(next => async connection =>
        {
            Interlocked.Increment(ref _openConnections);
            try
            {
                await next(connection);
            }
            finally
            {
                Interlocked.Decrement(ref _openConnections);
            }
        }));
        _port = KestrelServer.Port(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task ServeAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        byte[] body = buffer.ToArray();
        string service = body.Length > 7 ? Encoding.UTF8.GetString(body, 7, body[6]) : "";
        _calls.Enqueue((context.Request.Path, context.Request.ContentType, context.Request.Headers.TE, service, context.Connection.Id));
        if (service == "plain-404")
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (service == "slow")
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
            return;
        }
        context.Response.ContentType = "application/grpc";
        int? status = service switch { "" or "app" => 1, "down" => 2, "extra" => 1, _ => null };
        if (status is null)
        {
            context.Response.Headers["grpc-status"] = "5";
            context.Response.Headers["grpc-message"] = "unknown%20service";
            return;
        }
        // HealthCheckResponse { status = N }, with an unknown field 2 (a string) before it for "extra".
        byte[] message = service == "extra" ? [0x12, 0x02, 0x61, 0x62, 0x08, (byte)status] : [0x08, (byte)status];
        byte[] frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>Far longer than any probe needs: a test that expects a verdict other than a
    /// timeout must not get one because a loaded CI machine JIT-compiled the HTTP/2 client
    /// slowly (a 2 s deadline once turned "connection refused" into a connect timeout).</summary>
    private static readonly TimeSpan NoTimeout = TimeSpan.FromSeconds(30);

    private Task<ProbeOutcome> Probe(string? service, int? port = null, TimeSpan? timeout = null) =>
        GrpcHealthProbe.CheckAsync(_sockets.New, new GrpcPlan { Port = port ?? _port, Service = service }, IPAddress.Loopback,
            timeout ?? NoTimeout, CancellationToken.None);

    [Theory]
    [InlineData(null)]
    [InlineData("app")]
    [InlineData("extra")]
    public async Task ServingPasses(string? service)
    {
        Assert.Equal(new ProbeOutcome(true, "service healthy"), await Probe(service));
        var call = Assert.Single(_calls);
        Assert.Equal(("/grpc.health.v1.Health/Check", "application/grpc", "trailers", service ?? ""), (call.Path, call.ContentType, call.Te, call.Service));
    }

    [Fact]
    public async Task NotServingFails() =>
        Assert.Equal(new ProbeOutcome(false, "service unhealthy (responded with \"NOT_SERVING\")"), await Probe("down"));

    [Fact]
    public async Task AnUnknownServiceFailsWithTheServersStatus() =>
        Assert.Equal(new ProbeOutcome(false, "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"), await Probe("nope"));

    [Fact]
    public async Task AServerWithoutGrpcFails() =>
        Assert.Equal(new ProbeOutcome(false, "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unexpected HTTP status code received from server: 404"),
            await Probe("plain-404"));

    [Fact]
    public async Task EachProbeDialsANewConnection()
    {
        Assert.True((await Probe("app")).Success);
        Assert.True((await Probe("app")).Success);
        Assert.Equal(2, _calls.Select(c => c.Connection).Distinct().Count());
        Assert.Equal(2, _sockets.Made);
    }

    /// <summary>The kubelet closes its gRPC connection after each probe; a pooled one left
    /// open would leave the pod's server a connection per probe period until an idle timeout.</summary>
    [Fact]
    public async Task TheConnectionIsClosedAfterTheProbe()
    {
        Assert.True((await Probe("app")).Success);
        for (int i = 0; i < 100 && Volatile.Read(ref _openConnections) > 0; i++)
        {
            await Task.Delay(20);
        }
        Assert.True(Assert.Single(_sockets.Sockets).SafeHandle.IsClosed, "client socket open");
        Assert.Equal(0, Volatile.Read(ref _openConnections));
    }

    /// <summary>This wording needs the dial done before the deadline: a first probe without a
    /// deadline JIT-compiles the HTTP/2 client, so the timed one only dials 127.0.0.1.</summary>
    [Fact]
    public async Task ASlowServerTimesOut()
    {
        Assert.True((await Probe("app")).Success);
        Assert.Equal(new ProbeOutcome(false, "timeout: health rpc did not complete within 1s"), await Probe("slow", timeout: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task NothingListeningFailsToConnect()
    {
        using var closed = new ClosedPort();
        int port = closed.Number;
        Assert.Equal(new ProbeOutcome(false, $"error: failed to connect service at \"127.0.0.1:{port}\": dial tcp 127.0.0.1:{port}: connect: connection refused"),
            await Probe(null, port));
    }

    [Fact]
    public async Task AnHttp1ServerFails()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(200));
        ProbeOutcome outcome = await Probe(null, server.Port);
        Assert.False(outcome.Success);
        Assert.StartsWith("error: health rpc probe failed:", outcome.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a", "0A0161")]
    public void TheRequestIsOneLengthDelimitedField(string service, string hex) =>
        Assert.Equal(hex, Convert.ToHexString(GrpcHealthProbe.EncodeRequest(service)));

    [Fact]
    public void ALongServiceNameHasAMultiByteLength()
    {
        byte[] message = GrpcHealthProbe.EncodeRequest(new string('s', 300));
        Assert.Equal([0x0A, 0xAC, 0x02], message[..3]); // 300 = 0b10_0101100
        Assert.Equal(303, message.Length);
    }

    [Fact]
    public void FramesAreFlagAndBigEndianLength() =>
        Assert.Equal("000000000208 01".Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(GrpcHealthProbe.Frame([0x08, 0x01])));

    [Theory]
    [InlineData("0801", true, 1)]
    [InlineData("", true, 0)]
    [InlineData("08020801", true, 1)]
    [InlineData("1A03616263 0802", true, 2)]
    [InlineData("0D01020304 0801", true, 1)]
    [InlineData("08", false, 0)]
    [InlineData("1A05 61", false, 0)]
    [InlineData("0F", false, 0)]
    public void TheResponseStatusIsDecoded(string hex, bool ok, int status)
    {
        Assert.Equal(ok, GrpcHealthProbe.TryDecodeStatus(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), out int decoded));
        if (ok)
        {
            Assert.Equal(status, decoded);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PodUnits.Runtime.Health;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>httpGet probes against real servers on 127.0.0.1: the kubelet's request (headers,
/// Host, path), its verdict on status codes, redirects, body limit, timeout, refused connects.</summary>
public sealed class HttpProbeTests
{
    /// <summary>Far longer than any probe needs, so that only the tests that ask for a timeout
    /// can get one, however loaded the machine.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly SocketFactory _sockets = new();

    private Task<ProbeOutcome> Probe(int port, string path = "/", List<HttpHeaderPlan>? headers = null, string? host = null, TimeSpan? timeout = null, string scheme = "HTTP") =>
        HttpProbe.CheckAsync(_sockets.New, new HttpGetPlan { Scheme = scheme, Port = port, Path = path, Host = host, Headers = headers ?? [] },
            IPAddress.Loopback, timeout ?? Timeout, CancellationToken.None);

    [Fact]
    public async Task OkSendsTheKubeletsRequest()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(200, "ok"));
        ProbeOutcome outcome = await Probe(server.Port, "/healthz?x=1");
        Assert.Equal(new ProbeOutcome(true, "HTTP probe succeeded with statuscode: 200"), outcome);
        RawHttpRequest r = Assert.Single(server.Requests);
        Assert.Equal(("GET", "/healthz?x=1", "HTTP/1.1"), (r.Method, r.Path, r.Version));
        Assert.Equal([$"127.0.0.1:{server.Port}"], r.Values("Host"));
        Assert.Equal(["kube-probe/1.34"], r.Values("User-Agent"));
        Assert.Equal(["*/*"], r.Values("Accept"));
        Assert.Equal(["close"], r.Values("Connection"));
        Assert.Empty(r.Values("Accept-Encoding"));
        Assert.True(Assert.Single(_sockets.Sockets).SafeHandle.IsClosed); // no keep-alive
    }

    [Fact]
    public async Task ThePathGetsItsSlash()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(204));
        Assert.True((await Probe(server.Port, "ready")).Success);
        Assert.Equal("/ready", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task TheProbesHeadersAreSentAndOverrideTheDefaults()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(200));
        List<HttpHeaderPlan> headers =
        [
            new() { Name = "X-Custom", Value = "a" },
            new() { Name = "X-Custom", Value = "b" },
            new() { Name = "User-Agent", Value = "mine/1" },
            new() { Name = "Accept", Value = "application/json" },
            new() { Name = "Host", Value = "svc.example" },
        ];
        Assert.True((await Probe(server.Port, headers: headers)).Success);
        RawHttpRequest r = Assert.Single(server.Requests);
        Assert.Equal("a, b", string.Join(", ", r.Values("X-Custom")));
        Assert.Equal(["mine/1"], r.Values("User-Agent"));
        Assert.Equal(["application/json"], r.Values("Accept"));
        Assert.Equal(["svc.example"], r.Values("Host"));
    }

    /// <summary>Review of 2026-12-06: a header .NET counts as a content header was dropped
    /// silently, an Accept set to "" was sent empty, and the last Host won.</summary>
    [Fact]
    public async Task ContentHeadersGoAnEmptyAcceptIsNoneAndTheFirstHostWins()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(200));
        List<HttpHeaderPlan> headers =
        [
            new() { Name = "Content-Type", Value = "application/grpc-health" },
            new() { Name = "Accept", Value = "" },
            new() { Name = "Host", Value = "first.example" },
            new() { Name = "Host", Value = "second.example" },
        ];
        Assert.True((await Probe(server.Port, headers: headers)).Success);
        RawHttpRequest r = Assert.Single(server.Requests);
        Assert.Equal(["application/grpc-health"], r.Values("Content-Type"));
        Assert.Empty(r.Values("Accept"));
        Assert.Equal(["first.example"], r.Values("Host"));
    }

    /// <summary>Health review of 2026-12-06, finding 4: .NET's FormatException for a Host
    /// header that is no host escaped the probe, and a postStart hook never reported.</summary>
    [Fact]
    public async Task AHostHeaderThatIsNoHostFailsTheProbeAsGosClientDoes()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(200));
        ProbeOutcome outcome = await Probe(server.Port, headers: [new() { Name = "Host", Value = "bad host" }]);
        Assert.Equal(new ProbeOutcome(false, $"Get \"http://127.0.0.1:{server.Port}/\": http: invalid Host header"), outcome);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task TheHostIsTheProbesHostWithItsPortButTheConnectionGoesToTheAddress()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(200));
        Assert.True((await Probe(server.Port, host: "app.internal")).Success);
        Assert.Equal([$"app.internal:{server.Port}"], Assert.Single(server.Requests).Values("Host"));
    }

    [Fact]
    public async Task ARedirectToTheSameHostIsFollowed()
    {
        await using var server = new RawHttpServer(r => r.Path == "/old"
            ? RawHttpServer.Response(302, headers: "Location: /new\r\n")
            : RawHttpServer.Response(200));
        Assert.Equal(new ProbeOutcome(true, "HTTP probe succeeded with statuscode: 200"), await Probe(server.Port, "/old"));
        Assert.Equal(["/old", "/new"], server.Requests.Select(r => r.Path));
        Assert.Equal(2, server.Connections); // no keep-alive: a connection per request, as the kubelet
    }

    [Fact]
    public async Task ARedirectToTheSameHostCanFail()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(503));
        await using var absolute = new RawHttpServer(_ => RawHttpServer.Response(301, headers: $"Location: http://127.0.0.1:{server.Port}/gone\r\n"));
        ProbeOutcome outcome = await Probe(absolute.Port, "/old");
        Assert.Equal(new ProbeOutcome(false, "HTTP probe failed with statuscode: 503"), outcome);
        Assert.Equal(["/gone"], server.Requests.Select(r => r.Path)); // same host name, another port: followed
    }

    [Fact]
    public async Task ARedirectToAnotherHostEndsTheProbeAsAWarnedSuccess()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(302, "moved", "Location: http://elsewhere.invalid/x\r\n"));
        ProbeOutcome outcome = await Probe(server.Port);
        Assert.Equal(new ProbeOutcome(true, "Probe terminated redirects, Response body: moved"), outcome);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ARedirectWithoutALocationIsAWarnedSuccess()
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(303));
        Assert.Equal(new ProbeOutcome(true, "Probe terminated redirects, Response body: "), await Probe(server.Port));
    }

    [Fact]
    public async Task EndlessRedirectsStopAfterTen()
    {
        await using var server = new RawHttpServer(r => RawHttpServer.Response(302, headers: $"Location: {r.Path}x\r\n"));
        ProbeOutcome outcome = await Probe(server.Port, "/a");
        Assert.False(outcome.Success);
        Assert.EndsWith("stopped after 10 redirects", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(10, server.Requests.Count);
    }

    [Theory]
    [InlineData(404, "", "HTTP probe failed with statuscode: 404")]
    [InlineData(500, "boom\nat line 2", "HTTP probe failed with statuscode: 500, Response body: boom at line 2")]
    [InlineData(401, "", "HTTP probe failed with statuscode: 401")]
    [InlineData(400, "", "HTTP probe failed with statuscode: 400")]
    public async Task StatusesOutside200To399Fail(int status, string body, string message)
    {
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(status, body));
        Assert.Equal(new ProbeOutcome(false, message), await Probe(server.Port));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(399, true)]
    [InlineData(300, true)]
    [InlineData(400, false)]
    [InlineData(100, false)]
    public void TheVerdictIs200To399(int status, bool success) => Assert.Equal(success, HttpProbe.Judge(status, []).Success);

    [Fact]
    public async Task ABigBodyIsNotReadWhole()
    {
        string big = new('x', 1024 * 1024);
        await using var server = new RawHttpServer(_ => RawHttpServer.Response(500, big));
        ProbeOutcome outcome = await Probe(server.Port);
        Assert.False(outcome.Success);
        Assert.True(outcome.Message.Length < 300, outcome.Message);
        Assert.EndsWith("...", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowServerTimesOut()
    {
        // The timeout runs from before the socket is made. A first probe of the process
        // compiles the HTTP client's code, which on a loaded machine once took the whole
        // second before any socket existed: one answered probe first, with its own sockets.
        await using (var warm = new RawHttpServer(_ => RawHttpServer.Response(200)))
        {
            Assert.True((await HttpProbe.CheckAsync(new SocketFactory().New, new HttpGetPlan { Port = warm.Port },
                IPAddress.Loopback, Timeout, CancellationToken.None)).Success);
        }
        await using var server = new RawHttpServer(_ => null);
        var clock = Stopwatch.StartNew();
        // Long enough that a loaded machine still connects within it (a 300 ms timeout once
        // ran out while dialling, which words the failure differently).
        ProbeOutcome outcome = await Probe(server.Port, timeout: TimeSpan.FromSeconds(2));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(1950), TimeSpan.FromSeconds(20));
        Assert.Equal(new ProbeOutcome(false, $"Get \"http://127.0.0.1:{server.Port}/\": timeout after 2s (Client.Timeout exceeded)"), outcome);
        Assert.True(Assert.Single(_sockets.Sockets).SafeHandle.IsClosed);
    }

    [Fact]
    public async Task AClosedPortIsRefused()
    {
        using var closed = new ClosedPort();
        int port = closed.Number;
        ProbeOutcome outcome = await Probe(port, "/healthz");
        Assert.Equal(new ProbeOutcome(false, $"Get \"http://127.0.0.1:{port}/healthz\": dial tcp 127.0.0.1:{port}: connect: connection refused"), outcome);
    }

    [Fact]
    public async Task CancellationIsTheCallersNotAFailure()
    {
        await using var server = new RawHttpServer(_ => null);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HttpProbe.CheckAsync(_sockets.New,
            new HttpGetPlan { Port = server.Port }, IPAddress.Loopback, TimeSpan.FromSeconds(30), stop.Token));
    }

    /// <summary>HTTPS against Kestrel with a self-signed certificate the probe does not check.</summary>
    [Fact]
    public async Task HttpsDoesNotCheckTheCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=pod.invalid", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await using WebApplication app = await KestrelServer.StartAsync(HttpProtocols.Http1,
            async context =>
            {
                context.Response.StatusCode = context.Request.IsHttps && context.Request.Path == "/secure" ? 200 : 418;
                await context.Response.WriteAsync("hello");
            },
            listen => listen.UseHttps(certificate));
        ProbeOutcome outcome = await Probe(KestrelServer.Port(app), "/secure", scheme: "HTTPS");
        Assert.Equal(new ProbeOutcome(true, "HTTP probe succeeded with statuscode: 200"), outcome);
    }

}

/// <summary>Kestrel on 127.0.0.1 and an ephemeral port, for the HTTPS and HTTP/2 (gRPC) probes.</summary>
internal static class KestrelServer
{
    public static async Task<WebApplication> StartAsync(HttpProtocols protocols, RequestDelegate handle, Action<ListenOptions>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = protocols;
            configure?.Invoke(listen);
        }));
        WebApplication app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return app;
    }

    public static int Port(WebApplication app) =>
        new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
}

using System.Net;
using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;

namespace PodUnits.UnitTests.Images;

/// <summary>A registry that cannot be talked to at all is one line naming it and saying why,
/// as its own exception type (a pod then runs its stored copy); a registry that answers
/// "no" stays a plain error. HttpClient's failures are played by a handler that throws them.</summary>
public sealed class RegistryUnreachableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-unreachable-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    private ImageStore Store(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());
        store.HttpHandler = new Handler(answer);
        return store;
    }

    private static Func<HttpRequestMessage, HttpResponseMessage> Throws(SocketError error, string message) =>
        request => throw new HttpRequestException(message + $" ({request.RequestUri!.Authority})", new SocketException((int)error));

    [Theory]
    [InlineData(SocketError.TryAgain, "Resource temporarily unavailable", "reg.example/team/app:1",
        "image reg.example/team/app:1: cannot reach registry reg.example: reg.example does not resolve (no answer from DNS)")]
    [InlineData(SocketError.HostNotFound, "Name or service not known", "reg.example/team/app:1",
        "image reg.example/team/app:1: cannot reach registry reg.example: no such host (DNS knows no reg.example)")]
    [InlineData(SocketError.ConnectionRefused, "Connection refused", "reg.example:5000/app:1",
        "image reg.example:5000/app:1: cannot reach registry reg.example:5000: connection refused")]
    [InlineData(SocketError.NetworkUnreachable, "Network is unreachable", "reg.example/app:1",
        "image reg.example/app:1: cannot reach registry reg.example: no route to it")]
    public async Task AFailureToConnectIsOneLineNamingTheRegistry(SocketError error, string message, string reference, string expected)
    {
        ImageStore store = Store(Throws(error, message));

        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => store.FetchAsync(reference));

        Assert.Equal(expected, e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
        Assert.IsType<HttpRequestException>(e.InnerException); // kept for --verbose
    }

    [Fact]
    public async Task AutoUpdatesCheckSaysTheSame()
    {
        ImageStore store = Store(Throws(SocketError.ConnectionRefused, "Connection refused"));

        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => store.RemoteDigestAsync("reg.example/app:1", null));

        Assert.Equal("image reg.example/app:1: cannot reach registry reg.example: connection refused", e.Message);
    }

    [Fact]
    public async Task ARegistryThatAnswersNoIsNotUnreachable()
    {
        ImageStore store = Store(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.FetchAsync("reg.example/app:1"));

        Assert.IsNotType<RegistryUnreachableException>(e);
        Assert.Contains("not found in the registry", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallersOwnCancellationStaysACancellation()
    {
        using var cancel = new CancellationTokenSource();
        ImageStore store = Store(_ =>
        {
            cancel.Cancel();
            throw new TaskCanceledException("cancelled", null, cancel.Token);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.FetchAsync("reg.example/app:1", null, cancel.Token));
    }
}

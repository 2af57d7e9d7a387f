using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>What every probe test passes as the pod's socket factory (here: the test's own
/// namespace), counting the sockets it made.</summary>
internal sealed class SocketFactory
{
    private int _made;

    public int Made => _made;
    public ConcurrentQueue<Socket> Sockets { get; } = new();

    public Socket New(AddressFamily family)
    {
        Interlocked.Increment(ref _made);
        var socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        Sockets.Enqueue(socket);
        return socket;
    }
}

/// <summary>A tiny real HTTP/1.1 server on 127.0.0.1: it records each request's head and
/// answers with whatever <c>respond</c> returns for it (a raw response; null = never answer).</summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RawHttpRequest, string?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public RawHttpServer(Func<RawHttpRequest, string?> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public ConcurrentQueue<RawHttpRequest> Requests { get; } = new();
    public int Connections => Volatile.Read(ref _connections);

    public static string Response(int status, string body = "", string headers = "") =>
        $"HTTP/1.1 {status} X\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n{headers}\r\n{body}";

    private async Task AcceptAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                clients.Add(ServeAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or SocketException or ObjectDisposedException)
        {
            // stopped: cancelled mid-accept, or the listener stopped between two accepts
        }
        await Task.WhenAll(clients);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var head = new StringBuilder();
                byte[] one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                {
                    if (await stream.ReadAsync(one, _stop.Token) == 0)
                    {
                        return;
                    }
                    head.Append((char)one[0]);
                }
                var request = RawHttpRequest.Parse(head.ToString());
                Requests.Enqueue(request);
                string? response = _respond(request);
                if (response is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                await stream.WriteAsync(Encoding.UTF8.GetBytes(response!), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

internal sealed record RawHttpRequest(string Method, string Path, string Version, IReadOnlyList<(string Name, string Value)> Headers)
{
    public static RawHttpRequest Parse(string head)
    {
        string[] lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] first = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0], p[1].Trim())).ToList();
        return new RawHttpRequest(first[0], first[1], first[2], headers);
    }

    /// <summary>Every value of a header, in order (names compared case-insensitively).</summary>
    public string[] Values(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
}

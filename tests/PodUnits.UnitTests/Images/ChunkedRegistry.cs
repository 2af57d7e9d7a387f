using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PodUnits.UnitTests.Images;

/// <summary>
/// A minimal registry on 127.0.0.1 that answers every GET with a chunked body
/// (Transfer-Encoding: chunked, no Content-Length), one request per connection. The route
/// function gives status, content type and the chunks, produced lazily, so a body can be
/// endless. Counts the body bytes each path got onto the wire before the client hung up.
/// The other constructor's route also sees the request's Range header and adds header
/// lines (Content-Range, say); a chunk enumerator that throws IOException cuts the body
/// off mid-transfer, as a connection that breaks.
/// </summary>
internal sealed class ChunkedRegistry : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string?, (int Status, string Headers, IEnumerable<byte[]> Chunks)> _route;
    private readonly List<Task> _serving = [];
    private readonly Task _accepting;

    public ChunkedRegistry(Func<string, (int Status, string ContentType, IEnumerable<byte[]> Chunks)> route)
        : this((path, _) => route(path) is var (status, contentType, chunks) ? (status, $"Content-Type: {contentType}\r\n", chunks) : default)
    {
    }

    /// <param name="route">Path and Range header (null: none) to status, header lines
    /// (each ending in CRLF) and chunks.</param>
    public ChunkedRegistry(Func<string, string?, (int Status, string Headers, IEnumerable<byte[]> Chunks)> route)
    {
        _route = route;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public Dictionary<string, long> BytesSent { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request's path and Range header, in the order they came.</summary>
    public List<(string Path, string? Range)> Requests { get; } = [];

    /// <summary>Waits for every connection to end (the client closed it or the body ended).</summary>
    public async Task<Dictionary<string, long>> FinishAsync()
    {
        _listener.Stop();
        await _accepting;
        Task[] serving;
        lock (_serving) serving = [.. _serving];
        await Task.WhenAll(serving);
        return BytesSent;
    }

    /// <summary>Endless (or <paramref name="total"/> bytes of) filler in 64 KiB chunks.</summary>
    public static IEnumerable<byte[]> Flood(long total = long.MaxValue, byte fill = (byte)' ')
    {
        byte[] chunk = new byte[1 << 16];
        Array.Fill(chunk, fill);
        for (long sent = 0; sent < total; sent += chunk.Length) yield return chunk;
    }

    public void Dispose() => _listener.Dispose();

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_serving) _serving.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            (string path, string? range) = await ReadRequestAsync(stream);
            lock (Requests) Requests.Add((path, range));
            (int status, string headers, IEnumerable<byte[]> chunks) = _route(path, range);
            long sent = 0;
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status} X\r\n{headers}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
                foreach (byte[] chunk in chunks)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
                    await stream.WriteAsync(chunk);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                    sent += chunk.Length;
                }
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
            catch (IOException)
            {
                // The client hung up mid-body: what this test server is for.
            }
            lock (BytesSent) BytesSent[path] = BytesSent.GetValueOrDefault(path) + sent;
        }
    }

    private static async Task<(string Path, string? Range)> ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            head.Append((char)one[0]);
        string[] lines = head.ToString().Split("\r\n");
        string? range = lines.FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?["Range:".Length..].Trim();
        return (lines[0].Split(' ') is [_, string path, ..] ? path : "", range); // GET /v2/... HTTP/1.1
    }
}

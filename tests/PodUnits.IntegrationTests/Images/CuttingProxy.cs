using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PodUnits.IntegrationTests.Images;

/// <summary>A loopback TCP proxy in front of the registry that, once, drops a connection
/// after it has carried <c>cutAfter</c> bytes from the server: an interrupted blob transfer.
/// Records the requests' Range headers so the test can see the resume.</summary>
internal sealed class CuttingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly long _cutAfter;
    private int _cuts;

    public CuttingProxy(int targetPort, long cutAfter)
    {
        _target = targetPort;
        _cutAfter = cutAfter;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Cuts => _cuts;
    public List<string> RangeHeaders { get; } = [];

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await server.ConnectAsync(IPAddress.Loopback, _target);
            NetworkStream c = client.GetStream(), s = server.GetStream();
            Task up = PumpAsync(c, s, inspect: true);
            Task down = PumpAsync(s, c, inspect: false);
            await Task.WhenAny(up, down);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool inspect)
    {
        byte[] buffer = new byte[16384];
        long total = 0;
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer)) > 0)
            {
                if (inspect)
                {
                    foreach (string line in Encoding.ASCII.GetString(buffer, 0, n).Split("\r\n"))
                        if (line.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)) lock (RangeHeaders) RangeHeaders.Add(line);
                }
                else if (total + n > _cutAfter && Interlocked.CompareExchange(ref _cuts, 1, 0) == 0)
                {
                    await to.WriteAsync(buffer.AsMemory(0, (int)(_cutAfter - total)));
                    return; // drop both sides mid-body
                }
                total += n;
                await to.WriteAsync(buffer.AsMemory(0, n));
            }
        }
        catch (IOException)
        {
        }
    }

    public void Dispose() => _listener.Stop();
}

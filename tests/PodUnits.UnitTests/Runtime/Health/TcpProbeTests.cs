using System.Net;
using System.Net.Sockets;
using PodUnits.Runtime.Health;

namespace PodUnits.UnitTests.Runtime.Health;

public sealed class TcpProbeTests
{
    /// <summary>Far longer than a connect to 127.0.0.1 needs: only the hanging-connect test
    /// may time out, however loaded the machine.</summary>
    private static readonly TimeSpan NoTimeout = TimeSpan.FromSeconds(30);
    private readonly SocketFactory _sockets = new();

    [Fact]
    public async Task AListeningPortPasses()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            ProbeOutcome outcome = await TcpProbe.CheckAsync(_sockets.New, IPAddress.Loopback, port, NoTimeout, CancellationToken.None);
            Assert.Equal(new ProbeOutcome(true, $"connected to 127.0.0.1:{port}"), outcome);
            Assert.Equal(1, _sockets.Made);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task IPv6UsesAnIPv6Socket()
    {
        var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        try
        {
            listener.Start();
        }
        catch (SocketException)
        {
            return; // no IPv6 loopback on this machine
        }
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            ProbeOutcome outcome = await TcpProbe.CheckAsync(_sockets.New, IPAddress.IPv6Loopback, port, NoTimeout, CancellationToken.None);
            Assert.Equal(new ProbeOutcome(true, $"connected to [::1]:{port}"), outcome);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Health review of 2026-12-06, finding 3: only a name's first address was
    /// tried, and `host: localhost` (::1 first) failed every probe of a server on IPv4 only.
    /// Each is tried in turn; a failure is said as the first address's.</summary>
    [Fact]
    public async Task EveryAddressOfANameIsTriedInTurn()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            ProbeOutcome outcome = await TcpProbe.CheckAsync(_sockets.New, [IPAddress.IPv6Loopback, IPAddress.Loopback], port, NoTimeout, CancellationToken.None);
            Assert.Equal(new ProbeOutcome(true, $"connected to 127.0.0.1:{port}"), outcome);
        }
        finally
        {
            listener.Stop();
        }
        using var closed = new ClosedPort();
        ProbeOutcome refused = await TcpProbe.CheckAsync(_sockets.New, [IPAddress.Loopback, IPAddress.Parse("127.0.0.2")], closed.Number, NoTimeout, CancellationToken.None);
        Assert.Equal(new ProbeOutcome(false, $"dial tcp 127.0.0.1:{closed.Number}: connect: connection refused"), refused);
    }

    [Fact]
    public async Task AClosedPortIsRefused()
    {
        using var closed = new ClosedPort();
        int port = closed.Number;
        ProbeOutcome outcome = await TcpProbe.CheckAsync(_sockets.New, IPAddress.Loopback, port, NoTimeout, CancellationToken.None);
        Assert.Equal(new ProbeOutcome(false, $"dial tcp 127.0.0.1:{port}: connect: connection refused"), outcome);
    }

    /// <summary>A connect that never completes: a listener that never accepts, once its accept
    /// queue is full (the earlier probes' connections stay in it), drops further SYNs, so the
    /// client's connect hangs until the probe's timeout.</summary>
    [Fact]
    public async Task AConnectThatHangsTimesOut()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        ProbeOutcome outcome = default;
        for (int i = 0; i < 4 && (i == 0 || outcome.Success); i++)
        {
            outcome = await TcpProbe.CheckAsync(_sockets.New, IPAddress.Loopback, port, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
        Assert.Equal(new ProbeOutcome(false, $"dial tcp 127.0.0.1:{port}: i/o timeout (after 200ms)"), outcome);
    }

    /// <summary>Review of this session's own changes: an address that drops SYNs took the whole
    /// timeout, and the next address was never tried. Each gets its share (Go's
    /// partialDeadline): 127.0.0.1's listener never accepts (its queue full), 127.0.0.2 on the
    /// same port does.</summary>
    [Fact]
    public async Task AnAddressThatHangsGetsItsShareOfTheTimeoutAndTheNextIsTried()
    {
        using var hanging = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        hanging.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        hanging.Listen(0);
        int port = ((IPEndPoint)hanging.LocalEndPoint!).Port;
        var other = IPAddress.Parse("127.0.0.2");
        var listener = new TcpListener(other, port);
        listener.Start();
        try
        {
            // Fill the hanging listener's queue, as AConnectThatHangsTimesOut does.
            ProbeOutcome filled = default;
            for (int i = 0; i < 4 && (i == 0 || filled.Success); i++)
            {
                filled = await TcpProbe.CheckAsync(_sockets.New, IPAddress.Loopback, port, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
            Assert.False(filled.Success);
            ProbeOutcome outcome = await TcpProbe.CheckAsync(_sockets.New, [IPAddress.Loopback, other], port, TimeSpan.FromSeconds(6), CancellationToken.None);
            Assert.Equal(new ProbeOutcome(true, $"connected to 127.0.0.2:{port}"), outcome);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task CancellationIsTheCallersNotAFailure()
    {
        using var stop = new CancellationTokenSource();
        using var closed = new ClosedPort();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            TcpProbe.CheckAsync(_sockets.New, IPAddress.Loopback, closed.Number, NoTimeout, stop.Token));
    }
}

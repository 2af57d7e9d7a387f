using System.Net;
using System.Net.Sockets;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>
/// A loopback TCP port that refuses connections for as long as this is held: a socket bound
/// to it that never listens, so connecting gets ECONNREFUSED and nothing else can take the
/// port meanwhile. A port merely found free and released could be handed at once to another
/// test's server on port 0 (Kestrel), which made a refused-connection test flaky.
/// </summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Number = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Number { get; }

    public void Dispose() => _socket.Dispose();
}

using System.Net.Sockets;

namespace PodUnits.UnitTests.Journal;

/// <summary>A plain AF_UNIX datagram socket bound in a temporary directory: stands in for
/// journald's native socket where only the bytes a client sends are under test.</summary>
internal sealed class DatagramListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public DatagramListener()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("podunits-journal-").FullName;
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _socket.ReceiveTimeout = 5000;
    }

    /// <summary>The temporary directory holding the socket (removed on dispose).</summary>
    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "socket");

    /// <summary>One datagram into <paramref name="buffer"/>; throws after 5 s without one.</summary>
    public int Receive(byte[] buffer) => _socket.Receive(buffer);

    public void Dispose()
    {
        _socket.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// TEMPORARY until PodUnits.Journal (issue 4) lands: journald's native protocol
/// (systemd.journal-fields(7), "Native Journal Protocol"): one datagram per entry, every
/// field in the binary-safe form NAME\n, 64-bit little-endian length, data, \n.
/// </summary>
public sealed class TemporaryJournalSender : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly byte[] _buffer = new byte[64 * 1024];

    public TemporaryJournalSender(string socketPath)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        _socket.SendBufferSize = 8 * 1024 * 1024;
    }

    /// <summary>Sends one entry: the fixed fields (already encoded), MESSAGE, PRIORITY and,
    /// when <paramref name="partial"/>, CONTAINER_PARTIAL_MESSAGE=true. Blocks while journald's
    /// socket buffer is full: lines are delayed, never dropped.</summary>
    public void Send(ReadOnlySpan<byte> fixedFields, ReadOnlySpan<byte> message, int priority, bool partial)
    {
        int n = 0;
        fixedFields.CopyTo(_buffer);
        n += fixedFields.Length;
        n += Encoding.ASCII.GetBytes(priority == 3 ? "PRIORITY=3\n" : "PRIORITY=6\n", _buffer.AsSpan(n));
        if (partial)
        {
            n += Encoding.ASCII.GetBytes("CONTAINER_PARTIAL_MESSAGE=true\n", _buffer.AsSpan(n));
        }
        n += Encoding.ASCII.GetBytes("MESSAGE\n", _buffer.AsSpan(n));
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(n), (ulong)message.Length);
        n += 8;
        message.CopyTo(_buffer.AsSpan(n));
        n += message.Length;
        _buffer[n++] = (byte)'\n';
        _socket.Send(_buffer.AsSpan(0, n));
    }

    /// <summary>FIELD=value lines for values without a newline.</summary>
    public static byte[] EncodeFields(IEnumerable<(string Name, string Value)> fields) =>
        Encoding.UTF8.GetBytes(string.Concat(fields.Select(f => $"{f.Name}={f.Value}\n")));

    public void Dispose() => _socket.Dispose();
}

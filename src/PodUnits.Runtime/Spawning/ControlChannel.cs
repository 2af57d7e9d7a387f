using System.Net.Sockets;

namespace PodUnits.Runtime.Spawning;

/// <summary>
/// The line protocol between the executor and the pod init over a socket pair (fd 3 in the
/// pod init). Pod init to executor: <c>setup-done</c>, <c>started C NSPID</c>,
/// <c>exited C CODE</c>, <c>failed WHY</c>. Executor to pod init: <c>go C</c> (the container is
/// in its scope: let it exec), <c>stop</c>. End of stream means the other side is gone.
/// </summary>
public sealed class ControlChannel : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;
    private readonly Lock _writeLock = new();

    public ControlChannel(int fd)
    {
        _socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        var stream = new NetworkStream(_socket, ownsSocket: false);
        _reader = new StreamReader(stream);
        _writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>The next message split into words, or null at end of stream.</summary>
    public string[]? Receive()
    {
        string? line;
        try
        {
            line = _reader.ReadLine();
        }
        catch (IOException)
        {
            return null;
        }
        return line?.Split(' ', 3);
    }

    /// <summary>Sends one message; false when the other side is gone.</summary>
    public bool Send(string message)
    {
        lock (_writeLock)
        {
            try
            {
                _writer.WriteLine(message.ReplaceLineEndings(" "));
                return true;
            }
            catch (IOException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _socket.Dispose();
    }
}

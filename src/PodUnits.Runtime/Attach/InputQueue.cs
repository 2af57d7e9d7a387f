namespace PodUnits.Runtime.Attach;

/// <summary>
/// What an attached terminal typed, on its way to the pod: the thread reading the terminal
/// adds and never waits, a thread of its own sends. A pod whose command reads no input fills
/// its pty, then the hub's write and the socket, and a send blocks; were the reader the one
/// sending, it would read nothing more, and the detach keys typed next would never be seen
/// (terminal review of 2026-12-06, finding 4). Beyond <see cref="MaxBytes"/> waiting, what is
/// typed is dropped, as the command is not reading it.
/// </summary>
internal sealed class InputQueue
{
    /// <summary>At most this much typed input waits for the pod.</summary>
    public const int MaxBytes = 64 * 1024;

    private readonly Queue<byte[]> _chunks = new();
    private readonly object _lock = new(); // not a Lock: Monitor.Wait needs a monitor
    private int _bytes;
    private bool _completed;

    /// <summary>Bytes dropped because the queue was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Queues <paramref name="bytes"/> unless that would pass <see cref="MaxBytes"/>
    /// (then they are dropped, and false); never blocks.</summary>
    public bool TryAdd(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (_completed || _bytes + bytes.Length > MaxBytes)
            {
                Dropped += bytes.Length;
                return false;
            }
            _chunks.Enqueue(bytes.ToArray());
            _bytes += bytes.Length;
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>No more input: <see cref="Take"/> returns null once the queue is empty.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The next chunk, waiting for one; null after <see cref="Complete"/> and the last chunk.</summary>
    public byte[]? Take()
    {
        lock (_lock)
        {
            while (_chunks.Count == 0 && !_completed)
            {
                Monitor.Wait(_lock);
            }
            if (_chunks.Count == 0)
            {
                return null;
            }
            byte[] chunk = _chunks.Dequeue();
            _bytes -= chunk.Length;
            return chunk;
        }
    }
}

namespace PodUnits.Runtime.Attach;

/// <summary>
/// What an attached terminal typed, on its way to the pod: the thread reading the terminal
/// adds, a thread of its own sends. A pod whose command reads no input fills its pty, then
/// the hub's write and the socket, and a send blocks; were the reader the one sending, it
/// would read nothing more, and the detach keys typed next would never be seen (terminal
/// review of 2026-12-06, finding 4). So from a terminal, once <see cref="MaxBytes"/> wait,
/// what is typed is dropped (and counted) until the pod has taken all of it: a clean cut,
/// never a hole in the middle of what it reads. Input that is no terminal (`attach &lt; file`)
/// has no detach keys to look for, and waits instead: nothing of it is lost.
/// </summary>
internal sealed class InputQueue(bool dropWhenFull)
{
    /// <summary>At most this much input waits for the pod.</summary>
    public const int MaxBytes = 64 * 1024;

    private readonly Queue<byte[]> _chunks = new();
    private readonly object _lock = new(); // not a Lock: Monitor.Wait needs a monitor
    private int _bytes;
    private bool _dropping;
    private bool _completed;

    /// <summary>Bytes dropped because the pod did not take them.</summary>
    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    private long _dropped;

    /// <summary>Queues <paramref name="bytes"/>; false when they were dropped (a full queue
    /// with <c>dropWhenFull</c>, or after <see cref="Complete"/>). Without <c>dropWhenFull</c>
    /// it waits for room.</summary>
    public bool Add(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            while (!dropWhenFull && !_completed && _bytes > 0 && _bytes + bytes.Length > MaxBytes)
            {
                Monitor.Wait(_lock);
            }
            if (_completed || _dropping || _bytes + bytes.Length > MaxBytes)
            {
                _dropping = !_completed;
                _dropped += bytes.Length;
                return false;
            }
            _chunks.Enqueue(bytes.ToArray());
            _bytes += bytes.Length;
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>No more input: <see cref="Take"/> returns null once the queue is empty, and a
    /// waiting <see cref="Add"/> gives up.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Nothing more will be sent (the session ends): what still waits counts as
    /// dropped, and <see cref="Take"/> returns null.</summary>
    public void Abandon()
    {
        lock (_lock)
        {
            _dropped += _bytes;
            _chunks.Clear();
            _bytes = 0;
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
            _dropping &= _chunks.Count > 0; // drained: what is typed from now on goes again
            Monitor.PulseAll(_lock);
            return chunk;
        }
    }
}

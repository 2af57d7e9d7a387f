using PodUnits.Core.Errors;
using PodUnits.Core.Text;
using PodUnits.Journal;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Sends journal entries from a thread of its own, in order, so that whoever emits one never
/// waits for journald. A datagram send blocks while the socket's send buffer or journald's
/// receive queue is full: a container flooding the same socket, another service flooding
/// journald, journald stalled on I/O. The executor's lifecycle messages are sent from its
/// supervision loop, which must go on probing, killing and restarting containers meanwhile
/// (review of the log path, finding 3: a failing liveness probe killed nothing while
/// journald was stopped). systemd bounds its own sends with SO_SNDTIMEO for the same reason;
/// a queue loses nothing a short stall delays. Beyond <see cref="Capacity"/> entries waiting,
/// new ones are dropped and counted, and <see cref="Complete"/> says how many.
/// </summary>
internal sealed class JournalSendQueue
{
    /// <summary>Entries that may wait: minutes of a pod's lifecycle messages (a failing probe
    /// says one a period), a few megabytes at most.</summary>
    public const int Capacity = 1024;

    private readonly Queue<Queued> _queue = new();
    private readonly object _gate = new(); // Monitor.Wait/Pulse: the sender waits for entries
    private readonly int _capacity;
    private readonly JournalClient _client;
    private readonly Thread _thread;
    private bool _completed;
    private bool _sending; // an entry taken from the queue and not yet sent
    private int _dropped;

    private readonly record struct Queued(byte[] Entry, JournalPriority Priority, string Message);

    public JournalSendQueue(JournalClient client, int capacity = Capacity)
    {
        _client = client;
        _capacity = capacity;
        _thread = new Thread(Send) { IsBackground = true, Name = "journal sends" };
        _thread.Start();
    }

    /// <summary>Whether <see cref="Complete"/> was called: nothing more is queued.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>Entries dropped so far because <see cref="Capacity"/> were waiting.</summary>
    public int Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Queues an encoded entry; <paramref name="message"/> and <paramref name="priority"/>
    /// go to stderr instead should journald refuse it. False when the queue is full (the
    /// entry is dropped and counted) or completed (the caller says it elsewhere).</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> entry, JournalPriority priority, string message)
    {
        var queued = new Queued(entry.ToArray(), priority, message);
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }
            if (_queue.Count >= _capacity)
            {
                _dropped++;
                return false;
            }
            _queue.Enqueue(queued);
            Monitor.Pulse(_gate);
            return true;
        }
    }

    private void Send()
    {
        while (true)
        {
            Queued queued;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_completed)
                {
                    Monitor.Wait(_gate);
                }
                if (_queue.Count == 0)
                {
                    return; // completed, and all sent
                }
                queued = _queue.Dequeue();
                _sending = true;
            }
            try
            {
                _client.Send(queued.Entry);
            }
            catch (PodUnitsException e)
            {
                StageLog.Write(queued.Priority, $"{queued.Message} (journal: {e.Message})");
            }
            lock (_gate)
            {
                _sending = false;
            }
        }
    }

    /// <summary>Takes no more entries; what is queued goes on being sent (<see cref="Complete"/> waits for it).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Takes no more entries and waits up to <paramref name="timeout"/> for the queued
    /// ones to be sent; says on stderr how many were dropped or are still waiting (those are
    /// lost when the process exits). True when every queued entry went.</summary>
    public bool Complete(TimeSpan timeout)
    {
        Close();
        bool sent = _thread.Join(timeout);
        int lost;
        lock (_gate)
        {
            lost = _dropped + _queue.Count + (_sending ? 1 : 0);
        }
        if (lost > 0)
        {
            StageLog.Warning($"{Counted.Of(lost, "lifecycle message")} did not reach the journal: journald did not take them in time");
        }
        return sent;
    }
}

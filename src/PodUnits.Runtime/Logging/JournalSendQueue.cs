using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
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
/// new ones are dropped and counted.
/// An entry journald cannot be reached for (stopped: its socket is gone or refuses) stays at
/// the head and is tried again every <see cref="RetryDelay"/>, as LogTarget tries the host
/// journal again for container lines. It used to go to stderr, which after a journald stop is
/// a stream journald closed and systemd never reconnects: the entry was lost without a count
/// (logging review of 2026-12-07, finding 1). What is given up (dropped, or refused for
/// another reason) is counted and said in the journal once the queue has drained, and what
/// is still left when <see cref="Complete"/> gives up is counted there.
/// </summary>
internal sealed class JournalSendQueue
{
    /// <summary>Entries that may wait: minutes of a pod's lifecycle messages (a failing probe
    /// says one a period), a few megabytes at most.</summary>
    public const int Capacity = 1024;

    private readonly Queue<byte[]> _queue = new(); // the head stays until it is sent or given up
    private readonly object _gate = new(); // Monitor.Wait/Pulse: the sender waits for entries
    private readonly int _capacity;
    private readonly JournalClient _client;
    private readonly Func<string, byte[]> _warning;
    private readonly Thread _thread;
    private bool _completed;
    private bool _abandoned; // Complete gave up waiting: what is left is counted, and no longer tried
    private int _dropped;
    private int _unsaid; // entries given up and not counted in the journal yet

    /// <param name="warning">Encodes a warning of the queue's own (the count of what was given
    /// up) with the fields its entries carry; null: MESSAGE, PRIORITY and SYSLOG_IDENTIFIER.</param>
    public JournalSendQueue(JournalClient client, int capacity = Capacity, Func<string, byte[]>? warning = null)
    {
        _client = client;
        _capacity = capacity;
        _warning = warning ?? PlainWarning;
        _thread = new Thread(Send) { IsBackground = true, Name = "journal sends" };
        _thread.Start();
    }

    /// <summary>How long an entry journald could not be reached for waits before the next try.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where <see cref="Complete"/> says what did not reach the journal; stage 1's stderr unless set.</summary>
    public Action<string> Warn { get; init; } = StageLog.Warning;

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

    /// <summary>The warning that <paramref name="count"/> entries did not reach the journal.</summary>
    internal static string LostText(int count) =>
        $"{Counted.Of(count, "lifecycle message")} did not reach the journal: journald could not be reached or did not take them in time";

    /// <summary>Queues an encoded entry. False when the queue is full (the entry is dropped
    /// and counted) or completed (the caller says it elsewhere).</summary>
    public bool TryEnqueue(byte[] entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }
            if (_queue.Count >= _capacity)
            {
                _dropped++;
                _unsaid++;
                return false;
            }
            _queue.Enqueue(entry);
            Monitor.Pulse(_gate);
            return true;
        }
    }

    private void Send()
    {
        while (true)
        {
            byte[] head;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_completed)
                {
                    Monitor.Wait(_gate);
                }
                if (_queue.Count == 0 || _abandoned)
                {
                    return; // completed, and all sent or counted as lost
                }
                head = _queue.Peek();
            }
            bool unreachable = false;
            bool sent = TrySend(head, ref unreachable);
            int said = 0;
            lock (_gate)
            {
                if (unreachable)
                {
                    // Not Thread.Sleep: Close pulses, and nothing needs this wait to be exact.
                    Monitor.Wait(_gate, RetryDelay);
                    continue;
                }
                _queue.Dequeue();
                _unsaid += sent ? 0 : 1;
                if (sent && _queue.Count == 0 && _unsaid > 0)
                {
                    (said, _unsaid) = (_unsaid, 0);
                }
            }
            if (said > 0 && !TrySend(_warning(LostText(said)), ref unreachable))
            {
                lock (_gate)
                {
                    _unsaid += said;
                }
            }
        }
    }

    /// <summary>Sends one entry; false when it did not go, <paramref name="unreachable"/> set
    /// when journald is not there to take it (stopped: ENOENT, ECONNREFUSED), which a later
    /// try may find again. Any other refusal is this entry's.</summary>
    private bool TrySend(byte[] entry, ref bool unreachable)
    {
        try
        {
            _client.Send(entry);
            return true;
        }
        catch (PodUnitsException e)
        {
            unreachable = e is NativeCallException n && (n.Errno == Tmds.Linux.LibC.ENOENT || n.Errno == Tmds.Linux.LibC.ECONNREFUSED);
            return false;
        }
        catch (ObjectDisposedException)
        {
            unreachable = true; // the client's owner is done with it, after Complete: the loop ends
            return false;
        }
    }

    private static byte[] PlainWarning(string message)
    {
        using var entry = new JournalEntryBuilder();
        entry.Add("MESSAGE", message).AddPriority(JournalPriority.Warning).Add("SYSLOG_IDENTIFIER", PodJournalFields.OwnIdentifier);
        return entry.Encoded.ToArray();
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
    /// ones to be sent; says (<see cref="Warn"/>) how many were given up or are still waiting
    /// (those are lost when the process exits). True when every entry queued or offered went.</summary>
    public bool Complete(TimeSpan timeout)
    {
        Close();
        bool ended = _thread.Join(timeout);
        int lost;
        lock (_gate)
        {
            lost = _unsaid + _queue.Count;
            _abandoned = true;
            Monitor.Pulse(_gate);
        }
        if (lost > 0)
        {
            Warn(LostText(lost));
        }
        return ended && lost == 0;
    }
}

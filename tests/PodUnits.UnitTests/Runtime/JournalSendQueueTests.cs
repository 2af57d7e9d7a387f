using System.Text;
using PodUnits.Journal;
using PodUnits.Runtime.Logging;
using PodUnits.UnitTests.Journal;

namespace PodUnits.UnitTests.Runtime;

/// <summary>
/// The executor's queue for its lifecycle messages against a real AF_UNIX datagram socket of
/// the test's own that reads nothing until told to: the kernel then blocks the sender as it
/// blocks one of journald's when journald's queue is full. No enqueue waits for it; what
/// does not fit is counted; every queued entry arrives once and in order.
/// </summary>
public sealed class JournalSendQueueTests : IDisposable
{
    private readonly DatagramListener _receiver = new();

    public void Dispose() => _receiver.Dispose();

    [Fact]
    public async Task NoEnqueueWaitsForAReceiverThatDoesNotReadAndEveryQueuedEntryArrivesInOrder()
    {
        const int attempts = 5000; // more than the kernel queues for a receiver (net.unix.max_dgram_qlen) and the queue hold
        using var client = new JournalClient(_receiver.SocketPath);
        var queue = new JournalSendQueue(client, capacity: 8);
        var accepted = new List<int>();
        Task enqueueing = Task.Run(() =>
        {
            for (int i = 0; i < attempts; i++)
            {
                if (queue.TryEnqueue(Encoding.ASCII.GetBytes($"MESSAGE=entry {i}\n")))
                {
                    accepted.Add(i);
                }
            }
        });
        // A hang detector, not a timing: without the queue, the 513th send blocks for as long as nothing reads.
        await enqueueing.WaitAsync(TimeSpan.FromSeconds(60)); // throws TimeoutException: an enqueue waited for the receiver
        Assert.True(queue.Dropped > 0, $"{accepted.Count} accepted");
        Assert.Equal(attempts, accepted.Count + queue.Dropped);

        Task<bool> completing = Task.Run(() => queue.Complete(TimeSpan.FromSeconds(60)));
        var received = new List<int>();
        int said = 0; // what was dropped is counted in the journal each time the queue has drained
        byte[] buffer = new byte[512];
        while (received.Count < accepted.Count || said < queue.Dropped)
        {
            string datagram = Encoding.ASCII.GetString(buffer, 0, _receiver.Receive(buffer)); // throws after 5 s without one
            if (datagram.StartsWith("MESSAGE=entry ", StringComparison.Ordinal))
            {
                received.Add(int.Parse(datagram["MESSAGE=entry ".Length..^1], System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            int count = int.Parse(datagram["MESSAGE=".Length..datagram.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Warning(count), datagram);
            said += count;
        }
        Assert.Equal(queue.Dropped, said);
        Assert.True(await completing);
        Assert.Equal(accepted, received);
        Assert.True(queue.IsCompleted);
        Assert.False(queue.TryEnqueue("MESSAGE=late\n"u8.ToArray()));
    }

    private static string Warning(int lost) =>
        $"MESSAGE={lost} lifecycle message{(lost == 1 ? "" : "s")} did not reach the journal: journald could not be reached or did not take them in time\n"
        + "PRIORITY=4\nSYSLOG_IDENTIFIER=podunits\n";

    /// <summary>Logging review of 2026-12-07, finding 1: an entry journald could not be
    /// reached for went to stderr, which after a journald stop is a dead stream, and
    /// Complete neither counted it nor said false.</summary>
    [Fact]
    public void EntriesJournaldCannotBeReachedForAreCountedWhenTheQueueGivesUp()
    {
        using var client = new JournalClient(Path.Combine(_receiver.Directory, "none.sock"));
        var warnings = new List<string>();
        var queue = new JournalSendQueue(client) { RetryDelay = TimeSpan.FromMilliseconds(20), Warn = warnings.Add };
        for (int i = 0; i < 3; i++)
        {
            Assert.True(queue.TryEnqueue(Encoding.ASCII.GetBytes($"MESSAGE=entry {i}\n")));
        }
        Assert.False(queue.Complete(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(["3 lifecycle messages did not reach the journal: journald could not be reached or did not take them in time"], warnings);
    }

    [Fact]
    public void EntriesWaitForAJournaldStoppedAndStartedAgainAndArriveInOrder()
    {
        string path = Path.Combine(_receiver.Directory, "restarted.sock");
        using var client = new JournalClient(path);
        var warnings = new List<string>();
        var queue = new JournalSendQueue(client, capacity: 2) { RetryDelay = TimeSpan.FromMilliseconds(20), Warn = warnings.Add };
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(i < 2, queue.TryEnqueue(Encoding.ASCII.GetBytes($"MESSAGE=entry {i}\n")));
        }
        Thread.Sleep(100); // some tries fail
        using var journald = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram,
            System.Net.Sockets.ProtocolType.Unspecified) { ReceiveTimeout = 5000 };
        journald.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        byte[] buffer = new byte[512];
        string Next() => Encoding.ASCII.GetString(buffer, 0, journald.Receive(buffer));
        Assert.Equal("MESSAGE=entry 0\n", Next());
        Assert.Equal("MESSAGE=entry 1\n", Next());
        Assert.Equal(Warning(2), Next()); // the two that did not fit while it was away
        Assert.True(queue.Complete(TimeSpan.FromSeconds(5)));
        Assert.Empty(warnings);
    }
}

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
                if (queue.TryEnqueue(Encoding.ASCII.GetBytes($"MESSAGE=entry {i}\n"), JournalPriority.Informational, $"entry {i}"))
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
        byte[] buffer = new byte[256];
        while (received.Count < accepted.Count)
        {
            string datagram = Encoding.ASCII.GetString(buffer, 0, _receiver.Receive(buffer)); // throws after 5 s without one
            received.Add(int.Parse(datagram["MESSAGE=entry ".Length..^1], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.True(await completing);
        Assert.Equal(accepted, received);
        Assert.True(queue.IsCompleted);
        Assert.False(queue.TryEnqueue("MESSAGE=late\n"u8, JournalPriority.Informational, "late"));
    }
}

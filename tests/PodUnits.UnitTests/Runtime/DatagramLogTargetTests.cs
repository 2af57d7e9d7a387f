using System.Text;
using PodUnits.Journal;
using PodUnits.Runtime.Logging;
using PodUnits.UnitTests.Journal;

namespace PodUnits.UnitTests.Runtime;

/// <summary>
/// A container stream sent as batches of entries, received on a plain AF_UNIX datagram
/// socket of the test's own: every line arrives once, in order, with the shared fields, and
/// a read's lines share datagrams. That journald reads such batches is checked against the
/// real journald in the integration tests (multi-container pods).
/// </summary>
public sealed class DatagramLogTargetTests : IDisposable
{
    private readonly DatagramListener _receiver = new();

    private string SocketPath => _receiver.SocketPath;

    public void Dispose() => _receiver.Dispose();

    [Fact]
    public async Task OneReadsLinesGoOutTogetherInOrderWithTheSharedFields()
    {
        using var client = new JournalClient(SocketPath);
        using var target = new DatagramLogTarget(client, [new("SYSLOG_IDENTIFIER", "seq"), new("CONTAINER_NAME", "seq")]);
        byte[] lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 1000).Select(i => $"{i}\n")));
        var received = ReceiveEntries(1000);

        target.Deliver(lines);
        target.Complete();

        var entries = await received;
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            entries.Select(e => e.Text("MESSAGE")));
        Assert.All(entries, e => Assert.Equal("seq", e.Text("CONTAINER_NAME")));
        // 1000 entries of about 55 bytes: one datagram, not 1000.
        Assert.Equal(1, target.DatagramCount);
    }

    [Fact]
    public async Task ABurstIsCutIntoDatagramsOfAboutTheBatchSize()
    {
        using var client = new JournalClient(SocketPath);
        using var target = new DatagramLogTarget(client, [new("CONTAINER_NAME", "flood")]);
        byte[] line = Encoding.ASCII.GetBytes(new string('x', 999) + "\n");
        var received = ReceiveEntries(400);
        for (int i = 0; i < 400; i++)
        {
            target.Deliver(line);
        }
        target.Complete();

        // One datagram per read here (each read holds one line) ...
        Assert.Equal(400, (await received).Count);
        Assert.Equal(400, target.DatagramCount);

        // ... and a read bigger than a batch is cut: 400 KB of lines in one read.
        using var big = new DatagramLogTarget(client, [new("CONTAINER_NAME", "flood")]);
        received = ReceiveEntries(400);
        big.Deliver(Enumerable.Repeat(line, 400).SelectMany(l => l).ToArray());
        big.Complete();
        Assert.Equal(400, (await received).Count);
        Assert.InRange(big.DatagramCount, 3, 4);
    }

    [Fact]
    public async Task ALineAcrossReadsIsOneEntryAndAnUnterminatedEndIsAWholeOne()
    {
        using var client = new JournalClient(SocketPath);
        using var target = new DatagramLogTarget(client, [new("CONTAINER_NAME", "c")]);
        var received = ReceiveEntries(2);
        target.Deliver("hel"u8);
        target.Deliver("lo\nbye"u8);
        target.Complete();

        var entries = await received;
        Assert.Equal(["hello", "bye"], entries.Select(e => e.Text("MESSAGE")));
        Assert.DoesNotContain(entries[0], f => f.Key == "CONTAINER_PARTIAL_MESSAGE");
        // The stream's end ends the line: marked partial, `podunits logs` joined it to the
        // first line of the container's next run (a new stream, the same CONTAINER_NAME).
        Assert.DoesNotContain(entries[1], f => f.Key == "CONTAINER_PARTIAL_MESSAGE");
    }

    /// <summary>Receives until <paramref name="count"/> entries arrived, on a thread of its
    /// own: the kernel queues only net.unix.max_dgram_qlen datagrams (10 here) before the
    /// sender blocks, as it blocks on a busy journald.</summary>
    private Task<List<List<KeyValuePair<string, byte[]>>>> ReceiveEntries(int count) => Task.Factory.StartNew(() =>
    {
        var entries = new List<List<KeyValuePair<string, byte[]>>>();
        byte[] buffer = new byte[4 * 1024 * 1024];
        while (entries.Count < count)
        {
            int n = _receiver.Receive(buffer);
            entries.AddRange(NativeEntry.ParseBatch(buffer.AsSpan(0, n)));
        }
        return entries;
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}

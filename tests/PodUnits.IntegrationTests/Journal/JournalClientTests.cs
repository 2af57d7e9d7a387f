using System.Text;
using PodUnits.Journal;

namespace PodUnits.IntegrationTests.Journal;

/// <summary>Entries sent with <see cref="JournalClient"/> to the sandbox's real journald and
/// read back byte for byte.</summary>
public sealed class JournalClientTests
{
    private static string NewTestId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TextBinaryNulAndNonAsciiValuesRoundTripExactly()
    {
        string id = NewTestId();
        byte[] notUtf8 = [0xff, 0xfe, (byte)'x', 0xc3];
        using (var entry = new JournalEntryBuilder())
        {
            entry.Add("TEST_ID", id)
                .Add(JournalFieldName.Message, "first line\nsecond line\n")
                .Add("WITH_NUL", "a\0b")
                .Add("UNICODE", "grüße, € and 😀")
                .Add("RAW_BYTES", notUtf8)
                .Add("EMPTY", "")
                .Add("lower-case name", "normalised");
            JournalClient.Shared.Send(entry);
        }

        ExportedEntry got = Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1));
        Assert.Equal("first line\nsecond line\n", got.Text("MESSAGE"));
        Assert.Equal("a\0b"u8.ToArray(), got.Bytes("WITH_NUL"));
        Assert.Equal(Encoding.UTF8.GetBytes("grüße, € and 😀"), got.Bytes("UNICODE"));
        Assert.Equal(notUtf8, got.Bytes("RAW_BYTES"));
        Assert.Equal([], got.Bytes("EMPTY"));
        Assert.Equal("normalised", got.Text("LOWER_CASE_NAME"));
    }

    [Fact]
    public async Task SixtyFourFieldsInOneEntryAllArrive()
    {
        string id = NewTestId();
        using (var entry = new JournalEntryBuilder())
        {
            entry.Add("TEST_ID", id);
            for (int i = 1; i < 64; i++)
            {
                entry.Add($"FIELD_{i:D2}", $"value {i}");
            }
            JournalClient.Shared.Send(entry);
        }

        ExportedEntry got = Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1));
        for (int i = 1; i < 64; i++)
        {
            Assert.Equal($"value {i}", got.Text($"FIELD_{i:D2}"));
        }
    }

    [Fact]
    public async Task OneMebibyteMessageTakesTheMemfdPathAndArrivesWhole()
    {
        string id = NewTestId();
        byte[] message = BigMessage(1024 * 1024);
        // A 256 KiB send buffer cannot hold a 1 MiB datagram: sendmsg fails with EMSGSIZE.
        using var client = new JournalClient(JournalClient.DefaultSocketPath, sendBufferSize: 128 * 1024);
        using (var entry = new JournalEntryBuilder())
        {
            client.Send(entry.Add("TEST_ID", id).Add(JournalFieldName.Message, message));
        }
        Assert.Equal(1, client.MemfdSendCount);

        ExportedEntry got = Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1));
        Assert.Equal(message, got.Bytes("MESSAGE"));
    }

    [Fact]
    public async Task EntryBiggerThanTheLargestSendBufferArrivesWhole()
    {
        // The default client asks for an 8 MiB SO_SNDBUF (the kernel doubles it): only
        // entries above that need the memfd, as with libsystemd.
        string id = NewTestId();
        byte[] message = BigMessage(20 * 1024 * 1024);
        using var client = new JournalClient(JournalClient.DefaultSocketPath);
        using (var entry = new JournalEntryBuilder())
        {
            client.Send(entry.Add("TEST_ID", id).Add(JournalFieldName.Message, message));
        }
        Assert.Equal(1, client.MemfdSendCount);
        ExportedEntry got = Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1));
        Assert.Equal(message.Length, got.Bytes("MESSAGE").Length);
        Assert.Equal(message, got.Bytes("MESSAGE"));
    }

    [Fact]
    public async Task PrioritiesZeroToSevenArrive()
    {
        string id = NewTestId();
        using (var entry = new JournalEntryBuilder())
        {
            for (int p = 0; p <= 7; p++)
            {
                entry.Clear();
                entry.Add("TEST_ID", id).Add(JournalFieldName.Message, $"priority {p}").AddPriority((JournalPriority)p);
                JournalClient.Shared.Send(entry);
            }
        }

        List<ExportedEntry> got = await JournalExport.WaitForAsync("TEST_ID=" + id, 8);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7"], got.Select(e => e.Text("PRIORITY")).Order());
        Assert.All(got, e => Assert.Equal("priority " + e.Text("PRIORITY"), e.Text("MESSAGE")));
    }

    [Fact]
    public async Task ConcurrentSendersOnOneClientLoseNothing()
    {
        const int Threads = 8, PerThread = 2000;
        string id = NewTestId();
        using var client = new JournalClient(JournalClient.DefaultSocketPath);
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            using var entry = new JournalEntryBuilder();
            entry.Add("TEST_ID", id).Add("SENDER", thread);
            int shared = entry.Length;
            for (int i = 0; i < PerThread; i++)
            {
                entry.ResetTo(shared);
                client.Send(entry.Add("SEQ", i).Add(JournalFieldName.Message, $"thread {thread} entry {i}"));
            }
        });

        List<ExportedEntry> got = await JournalExport.WaitForAsync("TEST_ID=" + id, Threads * PerThread);
        Assert.Equal(Threads * PerThread, got.Count);
        var distinct = got.Select(e => (e.Text("SENDER"), e.Text("SEQ"))).ToHashSet();
        Assert.Equal(Threads * PerThread, distinct.Count);
        // Within one sender the journal keeps the order of sending.
        foreach (var sender in got.GroupBy(e => e.Text("SENDER")))
        {
            Assert.Equal(Enumerable.Range(0, PerThread), sender.Select(e => int.Parse(e.Text("SEQ"))));
        }
    }

    [Theory]
    [InlineData(8 * 1024 * 1024)] // one datagram
    [InlineData(16 * 1024)]       // too big for the send buffer: one memfd
    public async Task ABatchOfEntriesInOneSendArrivesAsSeparateEntriesInOrder(int sendBufferSize)
    {
        // How the executor sends a read's lines (DatagramLogTarget): entries separated by an
        // empty line in one datagram, or in one memfd when the batch does not fit.
        const int Count = 500;
        string id = NewTestId();
        using var client = new JournalClient(JournalClient.DefaultSocketPath, sendBufferSize);
        using var shared = new JournalEntryBuilder();
        shared.Add("TEST_ID", id).Add("CONTAINER_NAME", "batch");
        using var batch = new JournalEntryBuilder();
        for (int i = 0; i < Count; i++)
        {
            batch.AddEncoded(shared.Encoded).Add("SEQ", i);
            // Every tenth value takes the binary form, whose length prefix the separator must not confuse.
            batch.Add(JournalFieldName.Message, i % 10 == 0 ? $"line {i}\nwith a newline" : $"line {i}").EndEntry();
        }
        client.Send(batch);
        Assert.Equal(sendBufferSize < 64 * 1024 ? 1 : 0, client.MemfdSendCount);

        List<ExportedEntry> got = await JournalExport.WaitForAsync("TEST_ID=" + id, Count);
        Assert.Equal(Enumerable.Range(0, Count), got.Select(e => int.Parse(e.Text("SEQ"), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(got, e => Assert.Equal("batch", e.Text("CONTAINER_NAME")));
        Assert.Equal("line 10\nwith a newline", got[10].Text("MESSAGE"));
        Assert.Equal("line 11", got[11].Text("MESSAGE"));
    }

    [Fact]
    public async Task AJournaldReachedThroughAnotherPathGetsTheEntries()
    {
        // How the executor reaches the journald inside a pod: /proc/PID/root/run/systemd/...
        // Here PID 1's root is the sandbox's own, so the entries land in the same journal.
        string id = NewTestId();
        using (var client = new JournalClient("/proc/1/root/run/systemd/journal/socket"))
        using (var entry = new JournalEntryBuilder())
        {
            client.Send(entry.Add("TEST_ID", id).Add(JournalFieldName.Message, "via /proc/1/root"));
        }
        using (Stream stream = JournalStream.Open("podunits-test-" + id[..12], socketPath: "/proc/1/root/run/systemd/journal/stdout"))
        {
            stream.Write("stream via /proc/1/root\n"u8);
        }

        Assert.Equal("via /proc/1/root", Assert.Single(await JournalExport.WaitForAsync("TEST_ID=" + id, 1)).Text("MESSAGE"));
        ExportedEntry line = Assert.Single(await JournalExport.WaitForAsync("SYSLOG_IDENTIFIER=podunits-test-" + id[..12], 1));
        Assert.Equal("stream via /proc/1/root", line.Text("MESSAGE"));
    }

    [Fact]
    public void SendingToAMissingJournaldThrowsNamingTheSocket()
    {
        using var client = new JournalClient("/run/podunits-test-no-journald/socket");
        using var entry = new JournalEntryBuilder();
        var error = Assert.Throws<PodUnits.Core.Errors.NativeCallException>(() => client.Send(entry.Add("A", "b")));
        Assert.Equal("sendmsg", error.Syscall);
        Assert.Contains("/run/podunits-test-no-journald/socket", error.Message, StringComparison.Ordinal);
    }

    private static byte[] BigMessage(int length)
    {
        // Printable, varied and without newlines: compressible but not trivially so.
        byte[] message = new byte[length];
        var random = new Random(42);
        for (int i = 0; i < length; i++)
        {
            message[i] = (byte)random.Next('a', 'z' + 1);
        }
        return message;
    }
}

using PodUnits.Core.Errors;
using PodUnits.Journal;

namespace PodUnits.UnitTests.Journal;

/// <summary>
/// The client's socket layer against a plain AF_UNIX datagram socket of the test's own (no
/// journald needed): what arrives is exactly the encoded entry, one datagram per entry.
/// journald itself is tested in the integration tests.
/// </summary>
public sealed class JournalClientSocketTests : IDisposable
{
    private readonly DatagramListener _receiver = new();

    private string SocketPath => _receiver.SocketPath;

    public void Dispose() => _receiver.Dispose();

    [Fact]
    public void EachSendIsOneDatagramWithExactlyTheEncodedBytes()
    {
        using var client = new JournalClient(SocketPath);
        using var entry = new JournalEntryBuilder();
        entry.Add(JournalFieldName.Message, "one\ntwo").AddPriority(JournalPriority.Notice);
        client.Send(entry);
        client.Send("MESSAGE=second\n"u8);

        byte[] buffer = new byte[4096];
        int first = _receiver.Receive(buffer);
        Assert.Equal(entry.Encoded.ToArray(), buffer[..first]);
        int second = _receiver.Receive(buffer);
        Assert.Equal("MESSAGE=second\n"u8.ToArray(), buffer[..second]);
        Assert.Equal(0, client.MemfdSendCount);
    }

    [Fact]
    public void AnEntryTooBigForTheSendBufferGoesAsAnEmptyDatagramWithAnFd()
    {
        using var client = new JournalClient(SocketPath, sendBufferSize: 16 * 1024);
        using var entry = new JournalEntryBuilder();
        client.Send(entry.Add(JournalFieldName.Message, new string('x', 256 * 1024)));

        Assert.Equal(1, client.MemfdSendCount);
        // The datagram carries nothing but the memfd (SCM_RIGHTS), which journald reads.
        Assert.Equal(0, _receiver.Receive(new byte[16]));
    }

    [Fact]
    public void NoListenerIsANativeCallErrorNamingSyscallAndSocket()
    {
        using var client = new JournalClient(Path.Combine(_receiver.Directory, "absent"));
        var error = Assert.Throws<NativeCallException>(() => client.Send("A=b\n"u8));
        Assert.Equal("sendmsg", error.Syscall);
        Assert.Equal(2, error.Errno); // ENOENT
        Assert.Contains("absent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyEntriesAndOverlongPathsAreRefusedUpFront()
    {
        using var client = new JournalClient(SocketPath);
        Assert.Throws<ArgumentException>(() => client.Send(ReadOnlySpan<byte>.Empty));
        Assert.Throws<BadInputException>(() => new JournalClient("/" + new string('a', 120)));
    }

    [Fact]
    public void SendingAfterDisposeThrowsObjectDisposed()
    {
        var client = new JournalClient(SocketPath);
        client.Dispose();
        Assert.Throws<ObjectDisposedException>(() => client.Send("A=b\n"u8));
    }
}

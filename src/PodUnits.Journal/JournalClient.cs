using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Errors;
using static Tmds.Linux.LibC;

namespace PodUnits.Journal;

/// <summary>
/// Sends entries to journald over its native protocol: one AF_UNIX datagram per send (an
/// entry, or a batch of them: <see cref="JournalEntryBuilder.EndEntry"/>) to
/// /run/systemd/journal/socket (or another journald's socket, e.g. a pod's own at
/// /proc/PID/root/run/systemd/journal/socket). Entries too big for a datagram go through a
/// sealed memfd, as libsystemd's sd_journal_sendv() does. One socket is reused for every
/// send; sending is thread-safe (a datagram is written atomically) and blocks while
/// journald's receive queue is full, so nothing is dropped on the sender's side.
/// </summary>
public sealed partial class JournalClient : IDisposable
{
    /// <summary>journald's native-protocol socket (systemd-journald.service(8)).</summary>
    public const string DefaultSocketPath = "/run/systemd/journal/socket";

    // libsystemd asks for 8 MiB (SNDBUF_SIZE in journal-send.c) so that bursts and big
    // entries fit; without privileges the kernel caps it at net.core.wmem_max.
    private const int SendBufferSize = 8 * 1024 * 1024;

    // PublicationOnly: a failed socket() (EMFILE) is not cached forever as ExecutionAndPublication would.
    private static readonly Lazy<JournalClient> s_shared = new(() => new JournalClient(DefaultSocketPath), LazyThreadSafetyMode.PublicationOnly);

    private readonly SafeFileHandle _socket;
    private readonly byte[] _address; // struct sockaddr_un, built once
    private long _memfdSends;

    /// <summary>A client of the host's journald, created on first use and never disposed.</summary>
    public static JournalClient Shared => s_shared.Value;

    /// <summary>A client of the journald listening on <paramref name="socketPath"/> (it need not exist yet).</summary>
    public JournalClient(string socketPath) : this(socketPath, SendBufferSize)
    {
    }

    /// <summary>For testing: a small send buffer makes modest entries take the memfd path.</summary>
    internal JournalClient(string socketPath, int sendBufferSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        SocketPath = socketPath;
        _address = UnixAddress.Build(socketPath);
        int fd = PodUnits.Core.Native.Check.Io(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket", socketPath);
        _socket = new SafeFileHandle(fd, ownsHandle: true);
        SetSendBuffer(fd, sendBufferSize);
    }

    public string SocketPath { get; }

    /// <summary>How many entries went through a memfd because they were too big for a datagram.</summary>
    public long MemfdSendCount => Interlocked.Read(ref _memfdSends);

    /// <summary>Whether something (normally journald's socket) exists at <paramref name="socketPath"/>.</summary>
    public static bool IsAvailable(string socketPath = DefaultSocketPath) => File.Exists(socketPath);

    /// <summary>Sends the entry built so far. Throws <see cref="NativeCallException"/> naming the
    /// syscall and socket when journald cannot be reached (ENOENT, ECONNREFUSED...).</summary>
    public void Send(JournalEntryBuilder entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Send(entry.Encoded);
    }

    /// <summary>Sends an entry already encoded in the native protocol.</summary>
    public void Send(ReadOnlySpan<byte> encodedEntry)
    {
        if (encodedEntry.IsEmpty)
        {
            throw new ArgumentException("a journal entry needs at least one field", nameof(encodedEntry));
        }
        bool referenced = false;
        _socket.DangerousAddRef(ref referenced); // keeps the fd open if Dispose races with us
        try
        {
            int fd = (int)_socket.DangerousGetHandle();
            int error = SendDatagram(fd, encodedEntry);
            if (error == 0)
            {
                return;
            }
            // EMSGSIZE: bigger than the send buffer allows; ENOBUFS: the kernel could not
            // allocate one buffer that big. libsystemd takes the memfd path for both.
            if (error == EMSGSIZE || error == ENOBUFS)
            {
                SendViaMemfd(fd, encodedEntry);
                Interlocked.Increment(ref _memfdSends);
                return;
            }
            throw new NativeCallException("sendmsg", error, SocketPath);
        }
        finally
        {
            if (referenced)
            {
                _socket.DangerousRelease();
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}

using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Spawning;

/// <summary>
/// The message protocol between the executor and the pod init over a sequenced-packet
/// socket pair (fd 3 in the pod init): one message per packet, words separated by spaces,
/// descriptors may travel with a message (SCM_RIGHTS). The executor/pod init messages are
/// typed (<see cref="PodControlMessage"/>, listed in docs/process-model.md, "Control
/// protocol"), and so is the short exchange of `podunits enter` and exec probes with their
/// helper (<see cref="ExecControlMessage"/>).
/// End of stream means the other side is gone.
/// </summary>
public sealed unsafe class ControlChannel : IDisposable
{
    private const int MaxMessage = 4096;
    private const int MaxFds = 128;

    private readonly SafeFileHandle _socket;
    private readonly Lock _writeLock = new();

    public ControlChannel(int fd) => _socket = new SafeFileHandle(fd, ownsHandle: true);

    /// <summary>The next message split into at most three words, or null at end of stream.</summary>
    public string[]? Receive()
    {
        string[]? words = Receive(out int[] fds);
        foreach (int fd in fds)
        {
            _ = close(fd); // nobody asked for them
        }
        return words;
    }

    /// <summary>The next message and the descriptors that came with it (close-on-exec, now the caller's).</summary>
    public string[]? Receive(out int[] fds) => ReceiveText(out fds)?.Split(' ', 3);

    /// <summary>The next message of the executor/pod init protocol and the descriptors that
    /// came with it (now the caller's), or null at end of stream.</summary>
    /// <exception cref="ProtocolException">The packet is none of the protocol's messages
    /// (the descriptors that came with it are closed).</exception>
    public PodControlMessage? ReceiveMessage(out int[] fds) => ReceiveMessage(PodControlMessage.Parse, out fds);

    /// <summary>The next message of the exec exchange (<see cref="ExecControlMessage"/>) and
    /// the descriptors that came with it (now the caller's), or null at end of stream.</summary>
    /// <exception cref="ProtocolException">The packet is none of the exchange's messages.</exception>
    public ExecControlMessage? ReceiveExecMessage(out int[] fds) => ReceiveMessage(ExecControlMessage.Parse, out fds);

    private T? ReceiveMessage<T>(Func<string, T> parse, out int[] fds) where T : class, IControlMessage
    {
        if (ReceiveText(out fds) is not { } text)
        {
            return null;
        }
        try
        {
            return parse(text);
        }
        catch (ProtocolException)
        {
            foreach (int fd in fds)
            {
                _ = close(fd);
            }
            fds = [];
            throw;
        }
    }

    /// <summary>Sends one protocol message; false when the other side is gone.</summary>
    public bool Send(IControlMessage message, ReadOnlySpan<int> fds = default) =>
        Send((message ?? throw new ArgumentNullException(nameof(message))).Format(), fds);

    private string? ReceiveText(out int[] fds)
    {
        fds = [];
        byte* data = stackalloc byte[MaxMessage];
        int controlSize = CMSG_SPACE(MaxFds * sizeof(int));
        byte* control = stackalloc byte[controlSize];
        new Span<byte>(control, controlSize).Clear();
        var vector = new iovec { iov_base = data, iov_len = MaxMessage };
        var message = new msghdr { msg_iov = &vector, msg_iovlen = 1, msg_control = control, msg_controllen = (socklen_t)controlSize };
        long received;
        do
        {
            received = recvmsg((int)_socket.DangerousGetHandle(), &message, MSG_CMSG_CLOEXEC);
        }
        while (received < 0 && errno == EINTR);
        if (received <= 0)
        {
            return null;
        }
        var passed = new List<int>();
        byte* end = control + (uint)message.msg_controllen;
        for (cmsghdr* header = CMSG_FIRSTHDR(&message); header is not null && (byte*)header + (uint)header->cmsg_len <= end
             && (uint)header->cmsg_len >= RightsLength(0); header = CMSG_NXTHDR(&message, header))
        {
            if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
            {
                int count = ((int)header->cmsg_len - RightsLength(0)) / sizeof(int);
                for (int i = 0; i < count; i++)
                {
                    passed.Add(((int*)CMSG_DATA(header))[i]);
                }
            }
        }
        fds = [.. passed];
        return Encoding.UTF8.GetString(data, (int)received);
    }

    /// <summary>Sends one message (with <paramref name="fds"/>, which stay the caller's to
    /// close); false when the other side is gone.</summary>
    public bool Send(string message, ReadOnlySpan<int> fds = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (fds.Length > MaxFds)
        {
            throw new ArgumentException($"at most {MaxFds} descriptors per message", nameof(fds));
        }
        byte[] text = Encoding.UTF8.GetBytes(message.ReplaceLineEndings(" "));
        int controlSize = fds.IsEmpty ? 0 : CMSG_SPACE(fds.Length * sizeof(int));
        byte* control = stackalloc byte[Math.Max(controlSize, 1)];
        lock (_writeLock)
        {
            if (_socket.IsClosed)
            {
                return false;
            }
            fixed (byte* bytes = text)
            {
                var vector = new iovec { iov_base = bytes, iov_len = (size_t)text.Length };
                var header = new msghdr { msg_iov = &vector, msg_iovlen = 1 };
                if (!fds.IsEmpty)
                {
                    new Span<byte>(control, controlSize).Clear();
                    header.msg_control = control;
                    header.msg_controllen = (socklen_t)controlSize;
                    cmsghdr* rights = CMSG_FIRSTHDR(&header);
                    rights->cmsg_level = SOL_SOCKET;
                    rights->cmsg_type = SCM_RIGHTS;
                    rights->cmsg_len = (socklen_t)RightsLength(fds.Length);
                    fds.CopyTo(new Span<int>(CMSG_DATA(rights), fds.Length));
                }
                long sent;
                do
                {
                    sent = sendmsg((int)_socket.DangerousGetHandle(), &header, MSG_NOSIGNAL);
                }
                while (sent < 0 && errno == EINTR);
                return sent >= 0;
            }
        }
    }

    /// <summary>cmsg_len of an SCM_RIGHTS header with <paramref name="fds"/> descriptors:
    /// CMSG_LEN(3) is the aligned header plus the data, unpadded. Tmds.LibC 0.5.0's CMSG_LEN
    /// pads the whole (CMSG_LEN(4) = 24, not 20), and the kernel reads cmsg_len as the data's
    /// length: one descriptor sent that way went out with a second one, the sender's fd 0.</summary>
    internal static int RightsLength(int fds) => CMSG_LEN(0) + (fds * sizeof(int));

    /// <summary>Ends the stream both ways at this end: a receive blocked on it, on another
    /// thread, returns end of stream at once, whoever else holds a copy of the other end.</summary>
    public void Shutdown() => _ = Tmds.Linux.LibC.shutdown((int)_socket.DangerousGetHandle(), Tmds.Linux.LibC.SHUT_RDWR);

    public void Dispose()
    {
        lock (_writeLock)
        {
            _socket.Dispose();
        }
    }
}

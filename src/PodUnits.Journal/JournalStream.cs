using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Journal;

/// <summary>
/// journald's stream protocol, what sd_journal_stream_fd(3) and StandardOutput=journal use:
/// a connection to /run/systemd/journal/stdout that starts with seven header lines, after
/// which every line written is one entry. journald reads many lines per read, so this is
/// the cheapest way to log a stream of lines (docs/platform-facts.md measured about 3 times fewer of
/// journald's cycles per line than a datagram per line), and the fd can be handed to a child
/// as its stdout or stderr. journald stamps entries with the unit of the connecting process.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "systemd calls it the journal stream protocol")]
public static class JournalStream
{
    /// <summary>journald's stream socket (systemd-journald.service(8)).</summary>
    public const string DefaultSocketPath = "/run/systemd/journal/stdout";

    /// <summary>Whether fd 2 is the journal stream systemd connected (systemd.exec(5),
    /// $JOURNAL_STREAM is "DEVICE:INODE" of it); a redirection since then makes it false.</summary>
    public static unsafe bool StderrIsJournal()
    {
        string[]? parts = Environment.GetEnvironmentVariable("JOURNAL_STREAM")?.Split(':');
        if (parts is not [string device, string inode] ||
            !ulong.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dev) ||
            !ulong.TryParse(inode, NumberStyles.None, CultureInfo.InvariantCulture, out ulong ino))
        {
            return false;
        }
        stat st;
        return LibC.fstat(2, &st) == 0 && (ulong)st.st_dev == dev && (ulong)st.st_ino == ino;
    }

    private const int SendBufferSize = 8 * 1024 * 1024;

    /// <summary>
    /// Connects and sends the header. The returned descriptor is close-on-exec; dup2(2) it
    /// onto a child's fd 1 or 2 (dup2 clears the flag on the copy).
    /// </summary>
    /// <param name="identifier">SYSLOG_IDENTIFIER of every entry (no newline).</param>
    /// <param name="priority">PRIORITY of lines without a level prefix.</param>
    /// <param name="levelPrefix">Whether a leading "&lt;N&gt;" on a line sets its priority (sd-daemon(3) prefixes).</param>
    /// <param name="socketPath">Another journald's stream socket, e.g. a pod's.</param>
    /// <param name="unitId">The unit journald stamps on entries when it can no longer find the
    /// connecting process's cgroup (it exited before journald read everything): root only,
    /// as systemd itself sends it for services. Null: none.</param>
    public static unsafe SafeFileHandle OpenHandle(string identifier, JournalPriority priority = JournalPriority.Informational,
        bool levelPrefix = false, string socketPath = DefaultSocketPath, string? unitId = null)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        if (identifier.Contains('\n', StringComparison.Ordinal) || (unitId?.Contains('\n', StringComparison.Ordinal) ?? false))
        {
            throw new ArgumentException("a journal stream header line cannot contain a newline", nameof(identifier));
        }
        byte[] address = UnixAddress.Build(socketPath);
        int fd = Check.Io(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket", socketPath);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            fixed (byte* addressPointer = address)
            {
                int result;
                do
                {
                    result = connect(fd, (sockaddr*)addressPointer, (socklen_t)address.Length);
                }
                while (result < 0 && errno == EINTR);
                Check.Io(result, "connect", socketPath);
            }
            // journald never writes back; sd_journal_stream_fd() shuts the read side too.
            Check.Io(shutdown(fd, SHUT_RD), "shutdown", socketPath);
            int sendBuffer = SendBufferSize;
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof(int)); // best effort, as libsystemd
            WriteAll(fd, Header(identifier, priority, levelPrefix, unitId), socketPath);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary><see cref="OpenHandle"/> wrapped in an unbuffered write-only stream.</summary>
    public static Stream Open(string identifier, JournalPriority priority = JournalPriority.Informational,
        bool levelPrefix = false, string socketPath = DefaultSocketPath)
    {
        SafeFileHandle handle = OpenHandle(identifier, priority, levelPrefix, socketPath);
        try
        {
            return new FileStream(handle, FileAccess.Write, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The seven header lines: identifier, unit id (empty: none; journald uses the
    /// peer's cgroup first anyway), priority, level prefix, then forward to syslog, kmsg,
    /// console (0: only as journald.conf says), as in sd_journal_stream_fd() of systemd 252.</summary>
    internal static byte[] Header(string identifier, JournalPriority priority, bool levelPrefix, string? unitId = null) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{identifier}\n{unitId}\n{(int)priority}\n{(levelPrefix ? 1 : 0)}\n0\n0\n0\n"));

    /// <summary>Writes all of <paramref name="data"/> to an open stream (blocking while
    /// journald's buffer is full; no SIGPIPE: a closed journald fails with EPIPE, naming
    /// <paramref name="what"/>).</summary>
    public static void Write(SafeFileHandle stream, ReadOnlySpan<byte> data, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        bool referenced = false;
        stream.DangerousAddRef(ref referenced);
        try
        {
            WriteAll((int)stream.DangerousGetHandle(), data, what);
        }
        finally
        {
            if (referenced)
            {
                stream.DangerousRelease();
            }
        }
    }

    private static unsafe void WriteAll(int fd, ReadOnlySpan<byte> data, string socketPath)
    {
        fixed (byte* bytes = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                long written = send(fd, bytes + done, (size_t)(data.Length - done), MSG_NOSIGNAL);
                if (written < 0 && errno == EINTR)
                {
                    continue;
                }
                done += (int)Check.Io(written, "send", socketPath);
            }
        }
    }
}

using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Core.Native;
using PodUnits.Journal;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Attach;

/// <summary>
/// `podunits run -it`: the executor's side of the container's pseudo-terminal, which outlives
/// any one terminal attached to it, as conmon's attach socket does for podman. The
/// container's container-start opens the pty from the container's own devpts
/// (Container/ContainerTerminal.cs, as runc's console socket does), sends the master here as
/// <c>pty</c> over a socket the pod init handed down, and waits for <c>sized</c>. From then on
/// this hub alone reads and writes the master: what the container writes goes to every
/// attached client (<see cref="AttachClient"/>), what a client types goes to the container,
/// and a client's window size becomes the pty's. With nobody attached the output is read and
/// dropped, so the container never blocks on a full terminal.
/// Clients: the one `podunits run -it` passed down when it spawned this executor, and any
/// that connect to <see cref="SocketPath"/> (`podunits attach`), in the pod's root-only
/// runtime directory. Stage 1's own stderr is a pipe read here too: its lines go to the
/// clients, or to the journal while none is attached (the terminal it came from may be gone).
/// The container's terminal output is journaled as well, as podman journals a tty's: every
/// read is also written, without the line discipline's CR before LF, to the container's
/// stdout pipe, whose log forwarder sends it on like any container's output.
/// </summary>
public sealed unsafe class TerminalHub : IDisposable
{
    /// <summary>How long the container's command waits for a first window size.</summary>
    private static readonly TimeSpan SizeWait = TimeSpan.FromSeconds(1);
    private const int MaxTypedAhead = 65536;
    /// <summary>
    /// How long an attached terminal may read nothing while output waits for it before it is
    /// detached (review of 2026-12-05). Sends to clients happen under <see cref="_lock"/>, so
    /// one that stopped reading (a backgrounded `run -it`, `attach | less`, a dead SSH session)
    /// held the container's output, every other terminal and the executor's own way out for
    /// good. conmon blocks the same way; here the container never blocks on a terminal.
    /// </summary>
    internal static readonly TimeSpan ClientPatience = TimeSpan.FromSeconds(5);

    private readonly string _pod;
    private readonly ControlChannel _control;
    private readonly Lock _lock = new();
    private readonly List<int> _clients = [];
    private readonly ManualResetEventSlim _sizeKnown = new();
    private readonly List<byte> _typedAhead = [];
    private readonly int _initialClient;
    private readonly int _diagnostics;
    private int _listener = -1;
    private int _master = -1;
    /// <summary>Type calls writing to the master outside <see cref="_lock"/>, and the master
    /// the output's end left for the last of them to close (under <see cref="_lock"/>).</summary>
    private int _masterWriters, _masterToClose = -1;
    private WinSizeValue? _size;
    private Thread? _output;
    /// <summary>A write end of the container's stdout pipe (its log forwarder reads the
    /// other); -1 once released. Under <see cref="_journalLock"/>.</summary>
    private int _journal = -1;
    private readonly Lock _journalLock = new();
    private readonly TerminalLines _journalLines = new();
    private bool _commandEnded;
    private bool _disposed;

    private readonly record struct WinSizeValue(ushort Rows, ushort Columns);

    private TerminalHub(string pod, ControlChannel control, int theirs, int initialClient, int diagnostics)
    {
        _pod = pod;
        _control = control;
        TheirEnd = theirs;
        _initialClient = initialClient;
        _diagnostics = diagnostics;
    }

    /// <summary>The end for the pod init (PodInitDescriptors.Terminal); closed here once the pod init has it.</summary>
    public int TheirEnd { get; private set; }

    /// <summary>Where `podunits attach` connects: in the pod's runtime directory (root's only).</summary>
    public static string SocketPath(string pod) => $"{PodPaths.RuntimeDir(pod)}/attach";

    /// <summary>The hub of pod <paramref name="pod"/>; <paramref name="initialClient"/> is the
    /// socket `podunits run -it` keeps the other end of (-1: none). With one, this process's
    /// stdout and stderr (the caller's terminal until now) become a pipe read here, so
    /// nothing of stage 1 holds that terminal once its user has detached.</summary>
    public static TerminalHub Create(string pod, int initialClient)
    {
        int diagnostics = -1;
        if (initialClient >= 0)
        {
            (int read, int write) = Spawner.Pipe();
            Check.Io(dup2(write, 1), "dup2");
            Check.Io(dup2(write, 2), "dup2");
            _ = close(write);
            diagnostics = read;
        }
        (int mine, int theirs) = Spawner.SocketPair();
        var hub = new TerminalHub(pod, new ControlChannel(mine), theirs, initialClient, diagnostics);
        hub.Listen();
        return hub;
    }

    /// <summary>The pod init holds its copy of <see cref="TheirEnd"/>: from now on the
    /// container's start may send the master, and clients are served.</summary>
    public void Started()
    {
        _ = close(TheirEnd);
        TheirEnd = -1;
        Background("pod terminal", AcceptPty);
        if (_initialClient >= 0)
        {
            AddClient(_initialClient);
        }
        if (_listener >= 0)
        {
            Background("attach", AcceptClients);
        }
        if (_diagnostics >= 0)
        {
            Background("stage 1 stderr", ForwardDiagnostics);
        }
    }

    /// <summary>Waits until the command's output has gone out (the slave closed), briefly.</summary>
    public void WaitForOutput() => _output?.Join(TimeSpan.FromSeconds(2));

    /// <summary>The container's command is over: attached terminals get their modes back.</summary>
    public void CommandEnded()
    {
        lock (_lock)
        {
            _commandEnded = true;
            Broadcast(AttachKind.CommandEnded, []);
        }
    }

    /// <summary>The pod's last word to its clients: its exit code, once stage 1's pending
    /// diagnostics have been passed on.</summary>
    public void Finish(int code)
    {
        if (_diagnostics >= 0)
        {
            for (int waited = 0; waited < 100 && Pending(_diagnostics) > 0; waited++)
            {
                Thread.Sleep(10);
            }
        }
        lock (_lock)
        {
            foreach (int client in _clients)
            {
                AttachPacket.SendExit(client, code, ClientPatience);
            }
        }
    }

    private void Listen()
    {
        string path = SocketPath(_pod);
        if (!Directory.Exists(PodPaths.RuntimeDir(_pod)))
        {
            return; // no state directory (a plan run by hand): only the initial client
        }
        File.Delete(path); // a crashed run's
        int fd = Check.Io(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), "socket AF_UNIX SOCK_SEQPACKET");
        try
        {
            var address = default(sockaddr_un);
            address.sun_family = AF_UNIX;
            byte[] bytes = Encoding.UTF8.GetBytes(path);
            if (bytes.Length >= 108)
            {
                throw new PodUnitsException(path, "the attach socket's path is too long");
            }
            bytes.CopyTo(new Span<byte>(address.sun_path, 108));
            Check.Io(bind(fd, (sockaddr*)&address, (socklen_t)sizeof(sockaddr_un)), "bind", path);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Check.Io(listen(fd, 4), "listen", path);
        }
        catch
        {
            _ = close(fd);
            File.Delete(path);
            throw;
        }
        _listener = fd;
    }

    private void AcceptClients()
    {
        while (true)
        {
            int client = accept4(_listener, null, null, SOCK_CLOEXEC);
            int error = client < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (error == EINTR || error == ECONNABORTED)
            {
                continue;
            }
            if (client < 0)
            {
                _ = close(_listener); // shut down (Dispose)
                return;
            }
            AddClient(client);
        }
    }

    private void AddClient(int client)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                _ = close(client);
                return;
            }
            _clients.Add(client);
            if (_commandEnded)
            {
                AttachPacket.Send(client, AttachKind.CommandEnded, [], ClientPatience);
            }
        }
        Background("attached client", () => ServeClient(client));
    }

    /// <summary>A client's input and window sizes, until it leaves; then its socket is closed here.</summary>
    private void ServeClient(int client)
    {
        byte[] buffer = new byte[AttachPacket.MaxPayload + 1];
        while (AttachPacket.Receive(client, buffer) is (AttachKind kind, int length))
        {
            ReadOnlySpan<byte> payload = buffer.AsSpan(1, length);
            if (kind == AttachKind.Input)
            {
                Type(payload);
            }
            else if (kind == AttachKind.WindowSize && AttachPacket.WindowSizeOf(payload) is (ushort rows, ushort columns))
            {
                Resize(new WinSizeValue(rows, columns));
            }
        }
        lock (_lock)
        {
            _clients.Remove(client);
        }
        _ = close(client);
    }

    /// <summary>
    /// Called with SIGINT (or SIGQUIT) when Ctrl-C (Ctrl-\) is typed before the command has its
    /// terminal: the executor stops the pod, as `run -i` does then (130, 131). The terminal is
    /// raw from the start, so the key sent no signal: it waited with what was typed ahead, and
    /// the new pty's line discipline took it for an INTR with no process group to get it and
    /// dropped it, so a slow start (a DHCP network, an earlier run's network released) could
    /// not be cut short from the keyboard (interactive review of 2026-12-07, finding 6).
    /// </summary>
    public Action<int>? InterruptBeforeStart { get; set; }

    private void Type(ReadOnlySpan<byte> bytes)
    {
        int master;
        int interrupted = 0;
        lock (_lock)
        {
            master = _master;
            if (master < 0 && InterruptBeforeStart is not null && bytes.IndexOfAny((byte)0x03, (byte)0x1c) is int at and >= 0)
            {
                interrupted = bytes[at] == 0x03 ? SIGINT : SIGQUIT;
            }
            else if (master < 0)
            {
                // Typed before the command had its terminal: it gets the bytes once it has.
                int room = Math.Max(0, MaxTypedAhead - _typedAhead.Count);
                _typedAhead.AddRange(bytes[..Math.Min(room, bytes.Length)]);
                return;
            }
            else
            {
                _masterWriters++;
            }
        }
        if (interrupted != 0)
        {
            // Outside the lock: the stop logs on stage 1's stderr, which this hub reads under it.
            InterruptBeforeStart?.Invoke(interrupted);
            return;
        }
        try
        {
            TerminalIo.WriteAll(master, bytes);
        }
        finally
        {
            // The number stays the master's until the last writer is done: closed under a
            // paste blocked in write(2), the number went to the clean-up's next descriptor
            // (CNI DEL's stdin, journalctl's pipes, the D-Bus socket) and the rest of the paste
            // into it (interactive review of 2026-12-07, finding 5).
            lock (_lock)
            {
                if (--_masterWriters == 0 && _masterToClose >= 0)
                {
                    _ = close(_masterToClose);
                    _masterToClose = -1;
                }
            }
        }
    }

    private void Resize(WinSizeValue size)
    {
        lock (_lock)
        {
            _size = size;
            if (_master >= 0)
            {
                SetSize(_master, size);
            }
        }
        _sizeKnown.Set();
    }

    private static void SetSize(int master, WinSizeValue size)
    {
        var winsize = new LibcExtra.WinSize { Rows = size.Rows, Columns = size.Columns };
        _ = LibcExtra.ioctl(master, LibcExtra.TIOCSWINSZ, &winsize);
    }

    /// <summary>The master from container-start; the command starts once the pty has a size.</summary>
    private void AcceptPty()
    {
        ExecControlMessage? message;
        int[] fds;
        try
        {
            message = _control.ReceiveExecMessage(out fds);
        }
        catch (ProtocolException e)
        {
            StageLog.Error($"terminal: {e.Message}");
            return;
        }
        if (message is not ExecControlMessage.Pty || fds.Length != 1)
        {
            // The container's start failed before its terminal (it said why on stderr), or ended.
            Array.ForEach(fds, fd => _ = close(fd));
            return;
        }
        _sizeKnown.Wait(SizeWait); // the attaching terminal sends its size first thing
        byte[] typed;
        lock (_lock)
        {
            if (_disposed)
            {
                _ = close(fds[0]);
                return;
            }
            _master = fds[0];
            if (_size is { } size)
            {
                SetSize(_master, size);
            }
            typed = [.. _typedAhead];
            _typedAhead.Clear();
        }
        TerminalIo.WriteAll(fds[0], typed);
        _output = Background("pty output", () => ForwardOutput(fds[0]));
        try
        {
            _control.Send(new ExecControlMessage.Sized());
        }
        catch (ObjectDisposedException)
        {
            // the pod ended while the terminal was being set up
        }
    }

    /// <summary>The hub takes <paramref name="stdoutWriteEnd"/>, a write end of the terminal
    /// container's stdout pipe, to journal its output through.</summary>
    public void JournalOutputTo(int stdoutWriteEnd)
    {
        lock (_journalLock)
        {
            _journal = stdoutWriteEnd;
        }
    }

    /// <summary>No more output to journal: the pipe's write end is closed, so its log forwarder
    /// sees the end once the pod's copies are gone too. Called when the output has ended, and
    /// on the way out in case the container never had its terminal.</summary>
    public void ReleaseJournal()
    {
        lock (_journalLock)
        {
            if (_journal < 0)
            {
                return;
            }
            Span<byte> last = stackalloc byte[1];
            TerminalIo.WriteAll(_journal, last[.._journalLines.Finish(last)]);
            _ = close(_journal);
            _journal = -1;
        }
    }

    /// <summary>The container's terminal output to every client and to the journal, until
    /// the slave side is closed (EIO: the command and whatever it left running are gone).
    /// A full journal pipe holds this thread, and so the container, back: nothing is dropped.</summary>
    private void ForwardOutput(int master)
    {
        byte[] buffer = new byte[AttachPacket.MaxPayload];
        byte[] lines = new byte[AttachPacket.MaxPayload + 1];
        while (TerminalIo.Read(master, buffer) is int n and > 0)
        {
            lock (_lock)
            {
                Broadcast(AttachKind.Output, buffer.AsSpan(0, n));
            }
            lock (_journalLock)
            {
                if (_journal >= 0)
                {
                    TerminalIo.WriteAll(_journal, lines.AsSpan(0, _journalLines.Strip(buffer.AsSpan(0, n), lines)));
                }
            }
        }
        ReleaseJournal();
        lock (_lock)
        {
            _master = -1;
            if (_masterWriters == 0)
            {
                _ = close(master);
            }
            else
            {
                _masterToClose = master; // a Type still writes to it: the last one closes it
            }
        }
    }

    /// <summary>Stage 1's stderr: to the clients, or while none is attached to the journal.</summary>
    private void ForwardDiagnostics()
    {
        byte[] buffer = new byte[AttachPacket.MaxPayload];
        while (TerminalIo.Read(_diagnostics, buffer) is int n and > 0)
        {
            lock (_lock)
            {
                if (_clients.Count > 0)
                {
                    Broadcast(AttachKind.Diagnostics, buffer.AsSpan(0, n));
                    continue;
                }
            }
            ToJournal(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }

    private void ToJournal(string text)
    {
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var entry = new JournalEntryBuilder();
            entry.Add(JournalFieldName.Message, line).AddPriority(JournalPriority.Warning)
                .Add(JournalFieldName.SyslogIdentifier, PodJournalFields.OwnIdentifier).Add(PodJournalFields.PodName, _pod).AddCodeLocation();
            try
            {
                JournalClient.Shared.Send(entry);
            }
            catch (PodUnitsException)
            {
                return; // no journal to keep it in: nobody can be told
            }
        }
    }

    /// <summary>To every client; one that is gone, or has read nothing for <see cref="ClientPatience"/>,
    /// is dropped (its own reader closes it). Under <see cref="_lock"/>.</summary>
    private void Broadcast(AttachKind kind, ReadOnlySpan<byte> payload)
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            if (!AttachPacket.Send(_clients[i], kind, payload, ClientPatience))
            {
                if (Outstanding(_clients[i]) > 0) // full, not gone
                {
                    ToJournal($"an attached terminal read nothing for {ClientPatience.TotalSeconds:0} s and was detached; the container's output goes on");
                }
                _ = shutdown(_clients[i], SHUT_RDWR);
                _clients.RemoveAt(i);
            }
        }
    }

    /// <summary>Bytes sent on <paramref name="socket"/> that its peer has not read (SIOCOUTQ).</summary>
    private static int Outstanding(int socket)
    {
        int n = 0;
        return LibcExtra.ioctl(socket, LibcExtra.SIOCOUTQ, &n) == 0 ? n : 0;
    }

    private static int Pending(int fd)
    {
        int n = 0;
        return LibcExtra.ioctl(fd, LibcExtra.FIONREAD, &n) == 0 ? n : 0;
    }

    private static Thread Background(string name, Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    public void Dispose()
    {
        ReleaseJournal();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (int client in _clients)
            {
                _ = shutdown(client, SHUT_RDWR); // its reader ends and closes it
            }
        }
        if (_listener >= 0)
        {
            _ = shutdown(_listener, SHUT_RDWR);
            try
            {
                File.Delete(SocketPath(_pod));
            }
            catch (DirectoryNotFoundException)
            {
                // the pod's runtime directory went with its state
            }
        }
        if (TheirEnd >= 0)
        {
            _ = close(TheirEnd);
        }
        // _sizeKnown stays undisposed: client threads may still Set it, and it holds no
        // kernel handle unless waited on with one.
        _control.Dispose();
    }
}

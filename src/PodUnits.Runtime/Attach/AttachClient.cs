using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Attach;

/// <summary>How an attached terminal's session ended.</summary>
/// <param name="Detached">The user typed the detach keys: the pod runs on.</param>
/// <param name="ExitCode">The pod's exit code, when it ended while attached and said so.</param>
public readonly record struct AttachOutcome(bool Detached, int? ExitCode);

/// <summary>
/// A terminal attached to a terminal pod's executor (<see cref="TerminalHub"/>), for `podunits
/// run -it` and `podunits attach`: the caller's terminal in raw mode (its modes restored on
/// every way out, and as soon as the container's command ends), typed bytes to the pod except
/// the detach keys, the window size now and on every SIGWINCH, and the container's output and
/// stage 1's diagnostics back.
/// </summary>
public sealed unsafe class AttachClient : IDisposable
{
    private readonly int _socket;
    private readonly DetachKeys.Matcher _keys;
    private readonly Lock _terminalLock = new();
    private readonly bool _terminal;
    private readonly termios _saved;
    private bool _raw;
    private volatile bool _detached;

    /// <param name="socket">Connected to the hub; the client owns it.</param>
    public AttachClient(int socket, DetachKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _socket = socket;
        _keys = keys.NewMatcher();
        termios saved = default;
        _terminal = LibcExtra.isatty(0) == 1 && tcgetattr(0, &saved) == 0;
        _saved = saved;
    }

    /// <summary>Relays until the pod ends or the user detaches.</summary>
    public AttachOutcome Run()
    {
        MakeRaw();
        using var resize = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => SendWindowSize());
        SendWindowSize();
        new Thread(ForwardInput) { IsBackground = true, Name = "stdin to pod" }.Start();
        int? code = null;
        byte[] buffer = new byte[AttachPacket.MaxPayload + 1];
        while (AttachPacket.Receive(_socket, buffer) is (AttachKind kind, int length))
        {
            ReadOnlySpan<byte> payload = buffer.AsSpan(1, length);
            switch (kind)
            {
                case AttachKind.Output:
                    TerminalIo.WriteAll(1, payload);
                    break;
                case AttachKind.Diagnostics:
                    WriteDiagnostics(payload);
                    break;
                case AttachKind.CommandEnded:
                    Restore();
                    break;
                case AttachKind.Exit:
                    code = AttachPacket.ExitCodeOf(payload);
                    break;
            }
        }
        Restore();
        return new AttachOutcome(_detached, _detached ? null : code);
    }

    /// <summary>Leaves the pod running, as the detach keys do (for a signal to this process).</summary>
    public void Detach()
    {
        _detached = true;
        _ = shutdown(_socket, SHUT_RDWR); // the receive loop ends; the hub drops this client
    }

    /// <summary>Bytes typed that the pod did not take (its command read no input): dropped.</summary>
    public long DroppedInput => _input?.Dropped ?? 0;

    private volatile InputQueue? _input;

    /// <summary>Reads the terminal and matches the detach keys; what is typed goes to the pod
    /// from another thread (<see cref="InputQueue"/>), so that a pod that reads no input never
    /// keeps the detach keys from being read.</summary>
    private void ForwardInput()
    {
        var queue = _input = new InputQueue(dropWhenFull: _terminal);
        var sender = new Thread(() => SendInput(queue)) { IsBackground = true, Name = "input to pod" };
        sender.Start();
        byte[] buffer = new byte[AttachPacket.MaxPayload];
        var typed = new List<byte>(AttachPacket.MaxPayload);
        while (true)
        {
            int n = TerminalIo.Read(0, buffer);
            if (n <= 0)
            {
                queue.Complete();
                return; // end of input: the pod's terminal stays as it is
            }
            typed.Clear();
            bool detach = _keys.Feed(buffer.AsSpan(0, n), typed);
            if (typed.Count > 0)
            {
                _ = queue.Add(CollectionsMarshal.AsSpan(typed));
            }
            if (detach)
            {
                // What was typed before the keys goes first, unless the pod is not reading:
                // then what still waits is dropped, and counted.
                queue.Complete();
                if (!sender.Join(TimeSpan.FromSeconds(1)))
                {
                    queue.Abandon();
                }
                Detach();
                return;
            }
        }
    }

    private void SendInput(InputQueue queue)
    {
        while (queue.Take() is { } chunk)
        {
            if (!AttachPacket.Send(_socket, AttachKind.Input, chunk))
            {
                queue.Abandon(); // the hub is gone: a reader waiting for room gives up
                return;
            }
        }
    }

    private void SendWindowSize()
    {
        LibcExtra.WinSize size;
        if (LibcExtra.ioctl(0, LibcExtra.TIOCGWINSZ, &size) == 0 || LibcExtra.ioctl(1, LibcExtra.TIOCGWINSZ, &size) == 0)
        {
            AttachPacket.SendWindowSize(_socket, size.Rows, size.Columns);
        }
    }

    private void MakeRaw()
    {
        lock (_terminalLock)
        {
            if (_terminal)
            {
                termios raw = _saved;
                LibcExtra.cfmakeraw(&raw);
                _ = tcsetattr(0, (int)TCSANOW, &raw);
                _raw = true;
            }
        }
    }

    private void Restore()
    {
        lock (_terminalLock)
        {
            if (_raw)
            {
                termios saved = _saved;
                _ = tcsetattr(0, (int)TCSANOW, &saved);
                _raw = false;
            }
        }
    }

    /// <summary>Stage 1's lines; in raw mode a newline does not return the carriage, so it is added.</summary>
    private void WriteDiagnostics(ReadOnlySpan<byte> text)
    {
        bool raw;
        lock (_terminalLock)
        {
            raw = _raw;
        }
        if (!raw)
        {
            TerminalIo.WriteAll(2, text);
            return;
        }
        var withReturns = new List<byte>(text.Length + 8);
        foreach (byte b in text)
        {
            if (b == (byte)'\n')
            {
                withReturns.Add((byte)'\r');
            }
            withReturns.Add(b);
        }
        TerminalIo.WriteAll(2, CollectionsMarshal.AsSpan(withReturns));
    }

    public void Dispose()
    {
        Restore();
        _ = close(_socket);
    }
}

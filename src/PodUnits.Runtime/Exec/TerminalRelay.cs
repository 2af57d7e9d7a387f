using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Exec;

/// <summary>
/// Connects this process's standard streams to a command running in a container, the way
/// `podman exec -it` and `machinectl shell` do, without ever giving the command a descriptor
/// of the caller's terminal: with a pseudo-terminal (<see cref="RunWithPty"/>) the caller's
/// terminal is put in raw mode (restored on every way out), bytes are copied both ways and
/// the window size follows SIGWINCH; without one (<see cref="StdioFor"/>) a stream that is a
/// terminal is replaced by a pipe (output) or /dev/null (input), and a file as input by a pipe.
/// </summary>
public static unsafe class TerminalRelay
{
    /// <summary>Relays the caller's terminal to <paramref name="process"/>'s pseudo-terminal
    /// master until the command ends; returns its status.</summary>
    public static int RunWithPty(ExecProcess process, int master)
    {
        ArgumentNullException.ThrowIfNull(process);
        // SIGINT and SIGQUIT too: raw mode keeps the keys from raising them, and one sent from
        // elsewhere ended this process by its default action, the caller's terminal left raw.
        // Passed on from before raw mode until after the terminal is restored (the session is
        // disposed first), the 2 s its last output may take included.
        using IDisposable forward = process.ForwardSignals(PosixSignal.SIGHUP, PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT);
        using PtySession session = Attach(master);
        return process.WaitForExit();
    }

    /// <summary>Starts relaying the caller's terminal to the pseudo-terminal
    /// <paramref name="master"/> (which the session then owns): raw mode, the window size now
    /// and on every SIGWINCH, bytes both ways. Disposing it waits briefly for the last output
    /// and restores the terminal.</summary>
    public static PtySession Attach(int master) => new(master);

    /// <summary>The descriptors a command without a pseudo-terminal gets for 0, 1 and 2: the
    /// caller's own, except that a terminal becomes a pipe this process copies to the
    /// terminal (stdout, stderr) or, for stdin, one it fills from the terminal when
    /// <paramref name="interactive"/> (`enter -i -T`, as podman exec -i) and /dev/null
    /// otherwise; a file, directory or device as stdin becomes a pipe filled from it too.
    /// Dispose the result after the command ended.</summary>
    public static PipedStdio StdioFor(bool interactive) => new(interactive);

    /// <summary>Copies until end of input or an error (EIO when a pty's slave side is gone).</summary>
    internal static void Copy(int from, int to)
    {
        byte[] buffer = new byte[16384];
        while (PodUnits.Runtime.Attach.TerminalIo.Read(from, buffer) is int n and > 0 && PodUnits.Runtime.Attach.TerminalIo.WriteAll(to, buffer.AsSpan(0, n)))
        {
        }
    }

    internal static void CopyWindowSize(int master)
    {
        LibcExtra.WinSize size;
        if (LibcExtra.ioctl(0, LibcExtra.TIOCGWINSZ, &size) == 0 || LibcExtra.ioctl(1, LibcExtra.TIOCGWINSZ, &size) == 0)
        {
            _ = LibcExtra.ioctl(master, LibcExtra.TIOCSWINSZ, &size);
        }
    }
}

/// <summary>See <see cref="TerminalRelay.StdioFor"/>.</summary>
public sealed class PipedStdio : IDisposable
{
    private readonly List<int> _close = [];
    private readonly List<Thread> _copies = [];

    internal PipedStdio(bool interactive)
    {
        // A file, directory or device as stdin reaches the command through a pipe, never as the
        // host's descriptor (Attach/CallerInput.cs; stage 1 native review of 2026-12-07, finding 3).
        int stdin = interactive || LibcExtra.isatty(0) != 1 ? Attach.CallerInput.ForPod()
            : LibcExtra.open("/dev/null", LibcExtra.O_RDONLY | LibcExtra.O_CLOEXEC, 0);
        Stdin = stdin == 0 ? 0 : Keep(stdin);
        Stdout = Output(1);
        Stderr = Output(2);
    }

    public int Stdin { get; }
    public int Stdout { get; }
    public int Stderr { get; }

    /// <summary>Closes this process's copies of the command's ends, so the copies see the end
    /// of output once the command (and whatever it left running) closed theirs.</summary>
    public void Started()
    {
        foreach (int fd in _close)
        {
            LibcExtra.close(fd);
        }
        _close.Clear();
    }

    /// <summary>Waits (briefly) until the output copies have written what the command left.</summary>
    public void Dispose()
    {
        Started();
        foreach (Thread copy in _copies)
        {
            copy.Join(TimeSpan.FromSeconds(2));
        }
    }

    private int Output(int fd)
    {
        if (LibcExtra.isatty(fd) != 1)
        {
            return fd;
        }
        (int read, int write) = Spawning.Spawner.Pipe();
        var copy = new Thread(() => { TerminalRelay.Copy(read, fd); LibcExtra.close(read); }) { IsBackground = true, Name = $"output {fd}" };
        copy.Start();
        _copies.Add(copy);
        return Keep(write);
    }

    private int Keep(int fd)
    {
        _close.Add(fd);
        return fd;
    }
}

/// <summary>See <see cref="TerminalRelay.Attach"/>.</summary>
public sealed unsafe class PtySession : IDisposable
{
    private readonly int _master;
    private readonly bool _terminal;
    private readonly termios _saved;
    private readonly PosixSignalRegistration _resize;
    private readonly Thread _output;
    private int _disposed;

    internal PtySession(int master)
    {
        _master = master;
        termios saved = default;
        _terminal = LibcExtra.isatty(0) == 1 && LibC.tcgetattr(0, &saved) == 0;
        if (_terminal)
        {
            _saved = saved;
            termios raw = saved;
            LibcExtra.cfmakeraw(&raw);
            _ = LibC.tcsetattr(0, (int)LibC.TCSANOW, &raw);
        }
        _resize = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => TerminalRelay.CopyWindowSize(master));
        TerminalRelay.CopyWindowSize(master);
        new Thread(() => TerminalRelay.Copy(0, master)) { IsBackground = true, Name = "stdin to pty" }.Start();
        _output = new Thread(() => TerminalRelay.Copy(master, 1)) { IsBackground = true, Name = "pty to stdout" };
        _output.Start();
    }

    /// <summary>Waits until the pty's output has been copied (its slave side closed), at most <paramref name="timeout"/>.</summary>
    public bool WaitForOutput(TimeSpan timeout) => _output.Join(timeout);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // The slave closes with the command (EIO on the master ends the copy); a background
        // process that keeps it open must not keep us waiting.
        _output.Join(TimeSpan.FromSeconds(2));
        _resize.Dispose();
        if (_terminal)
        {
            termios saved = _saved;
            _ = LibC.tcsetattr(0, (int)LibC.TCSANOW, &saved);
        }
        LibcExtra.close(_master);
    }
}


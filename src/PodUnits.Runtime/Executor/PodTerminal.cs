using PodUnits.Core.Native;
using PodUnits.Runtime.Exec;
using PodUnits.Runtime.Logging;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// `podunits run -it`: the executor's side of the container's pseudo-terminal. The container's
/// container-start opens it from the container's own devpts (Container/ContainerTerminal.cs,
/// as runc's console socket does), sends the master here as <c>pty</c> over a socket the pod
/// init handed down, and waits for <c>sized</c>: the caller's window size is set first, so the
/// command reads the right size at once. From then on the caller's terminal is in raw mode
/// and relayed (Exec/TerminalRelay.cs: SIGWINCH, both directions) until the command's end
/// closes the slave; the terminal is restored on every way out (<see cref="Dispose"/>). The
/// container never holds a descriptor of the caller's terminal.
/// </summary>
internal sealed class PodTerminal : IDisposable
{
    private readonly ControlChannel _control;
    private readonly Thread _waiting;
    private readonly object _lock = new();
    private PtySession? _session;
    private bool _disposed;

    private PodTerminal(ControlChannel control, int theirs)
    {
        _control = control;
        TheirEnd = theirs;
        _waiting = new Thread(Accept) { IsBackground = true, Name = "pod terminal" };
    }

    /// <summary>The end for the pod init (PodInitDescriptors.Terminal); close it here once the pod init has it.</summary>
    public int TheirEnd { get; private set; }

    public static PodTerminal Create()
    {
        (int mine, int theirs) = Spawner.SocketPair();
        return new PodTerminal(new ControlChannel(mine), theirs);
    }

    /// <summary>The pod init holds its copy: from now on the container's start may send the master.</summary>
    public void Started()
    {
        LibcExtra.close(TheirEnd);
        TheirEnd = -1;
        _waiting.Start();
    }

    /// <summary>Waits until the command's output has reached the caller (the slave closed), briefly.</summary>
    public void WaitForOutput()
    {
        PtySession? session;
        lock (_lock)
        {
            session = _session;
        }
        session?.WaitForOutput(TimeSpan.FromSeconds(2));
    }

    private void Accept()
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
            Array.ForEach(fds, fd => LibcExtra.close(fd));
            return;
        }
        lock (_lock)
        {
            if (_disposed)
            {
                LibcExtra.close(fds[0]);
                return;
            }
            _session = TerminalRelay.Attach(fds[0]); // sets the window size before "sized"
        }
        _control.Send(new ExecControlMessage.Sized());
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _session?.Dispose();
        }
        if (TheirEnd >= 0)
        {
            LibcExtra.close(TheirEnd);
        }
        _control.Dispose();
    }
}

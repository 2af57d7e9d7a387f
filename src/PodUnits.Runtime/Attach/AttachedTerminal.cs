using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;
using PodUnits.Runtime.State;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.Attach;

/// <summary>The two ways a caller's terminal is attached to a terminal pod: `podunits run -it`,
/// which spawned the pod's executor, and `podunits attach`, which connects to a running one.</summary>
public static unsafe class AttachedTerminal
{
    /// <summary>
    /// `podunits run -it` after the spawn: attached until the pod ends (its exit code is this
    /// process's) or the user detaches (0; the pod runs on). A signal that would have ended
    /// the executor when it was this process (SIGTERM, SIGINT, SIGQUIT, a hangup of the terminal) stops
    /// the pod instead, gracefully.
    /// </summary>
    /// <param name="handlersInPlace">Called once this session's signal handlers are registered:
    /// stage 0 then drops its own, which stopped the pod until here.</param>
    public static int Run(string pod, int executorPid, int socket, DetachKeys keys, Action? handlersInPlace = null)
    {
        using var client = new AttachClient(socket, keys);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            _ = kill(executorPid, SIGTERM);
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop); // by its default action: the terminal left raw
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        handlersInPlace?.Invoke();
        AttachOutcome outcome = client.Run();
        SayDropped(pod, client);
        if (outcome.Detached)
        {
            SayDetached(pod);
            return 0;
        }
        if (outcome.ExitCode is null && !Within(EndGrace, () => ProcessStat.HasEnded(executorPid)))
        {
            throw Dropped(pod);
        }
        int status = Wait(executorPid);
        return outcome.ExitCode ?? status;
    }

    /// <summary>How long a session whose socket ended without the pod's exit code waits for
    /// the executor to end before it takes the end for the hub dropping this terminal: an
    /// executor that ends without saying closes the socket on its way out.</summary>
    private static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(3);

    /// <summary>The hub drops a terminal that read nothing for a while (TerminalHub.ClientPatience),
    /// so that it does not hold the pod's output up. The pod runs on: said here, instead of
    /// a session that sat silent (run -it) or claimed the pod had ended (attach).</summary>
    private static PodUnitsException Dropped(string pod) =>
        new($"pod {pod}", $"this terminal read nothing of the pod's output for {TerminalHub.ClientPatience.TotalSeconds:0} s and was detached; "
            + $"the pod runs on ('podunits attach {pod}' returns to it, 'podunits stop {pod}' ends it)");

    private static bool Within(TimeSpan limit, Func<bool> condition)
    {
        long end = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 >= end)
            {
                return false;
            }
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>`podunits attach POD`: the pod's exit code if it ends while attached, 0 after a detach.</summary>
    public static int Attach(string pod, DetachKeys keys)
    {
        ArgumentNullException.ThrowIfNull(pod);
        string path = TerminalHub.SocketPath(pod);
        if (!File.Exists(path))
        {
            throw PodClaim.IsHeld(pod)
                ? new BadInputException($"pod {pod}", $"it has no terminal to attach to: only pods started with 'podunits run -it' have one ('podunits enter -it {pod}' opens a new shell)")
                : new PodUnitsException($"pod {pod}", "it is not running");
        }
        using var client = new AttachClient(Connect(path), keys);
        void Leave(PosixSignalContext context)
        {
            context.Cancel = true;
            client.Detach();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Leave);
        // Raw mode keeps the keys from raising these; one sent from elsewhere ended attach by
        // its default action, the caller's terminal left raw (terminal review of 2026-12-06, 3).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Leave);
        AttachOutcome outcome = client.Run();
        SayDropped(pod, client);
        if (outcome.Detached)
        {
            SayDetached(pod);
            return 0;
        }
        if (outcome.ExitCode is { } code)
        {
            return code;
        }
        throw Within(EndGrace, () => !PodClaim.IsHeld(pod))
            ? new PodUnitsException($"pod {pod}", "its executor ended without saying how the pod ended (journalctl -t podunits)")
            : Dropped(pod);
    }

    /// <summary>Typed input the pod's command did not read is dropped beyond a bound (so that
    /// the detach keys are still read): said, not silently lost.</summary>
    private static void SayDropped(string pod, AttachClient client)
    {
        if (client.DroppedInput is long dropped and > 0)
        {
            Console.Error.WriteLine($"podunits: {Core.Text.Counted.Of(dropped, "byte")} of typed input dropped: the command of pod {pod} was not reading it");
        }
    }

    private static void SayDetached(string pod) =>
        Console.Error.WriteLine($"podunits: detached from pod {pod}; 'podunits attach {pod}' returns to it, 'podunits stop {pod}' ends it");

    private static int Connect(string path)
    {
        int fd = Check.Io(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), "socket AF_UNIX SOCK_SEQPACKET");
        var address = default(sockaddr_un);
        address.sun_family = AF_UNIX;
        byte[] bytes = Encoding.UTF8.GetBytes(path);
        bytes.CopyTo(new Span<byte>(address.sun_path, 108));
        if (connect(fd, (sockaddr*)&address, (socklen_t)sizeof(sockaddr_un)) < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            _ = close(fd);
            throw new NativeCallException("connect", error, path);
        }
        return fd;
    }

    private static int Wait(int pid)
    {
        while (true)
        {
            int result = LibcExtra.waitpid(pid, out int status, 0);
            if (result == pid)
            {
                return Spawner.ExitCodeOf(status);
            }
            if (result < 0 && Marshal.GetLastPInvokeError() != EINTR)
            {
                return ExitCodes.RuntimeFailure;
            }
        }
    }
}

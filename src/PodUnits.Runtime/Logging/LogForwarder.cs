using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using PodUnits.Runtime.Attach;
using Tmds.Linux;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Reads one container stream (stdout or stderr pipe) on its own thread, so a container
/// that floods cannot hold back another, and hands every chunk to each of its journals
/// (<see cref="LogRoutes"/>: the host's, and the pod's own for `journalctl -M`). Order
/// within a stream is kept because one thread passes its chunks on in sequence; a full
/// journal blocks the thread (and then the container's writes), it never drops a line.
/// </summary>
/// <remarks>
/// A container that restarts writes its runs into the same pipe, which ends only with the
/// pod; so the end of a run (<see cref="RunEnded"/>) is what makes an unterminated last line
/// go out, as conmon's exit does for podman. Otherwise "config missing" printed without a
/// newline before a crash would stay unseen until the next run's output, and then be glued
/// to it. The forwarder blocks in read(2) while nothing is pending (the hot path costs no
/// more than a read per chunk) and polls for the run's end only while a line is unfinished.
/// </remarks>
public sealed class LogForwarder
{
    private const int ChunkSize = 64 * 1024;

    private readonly Thread _thread;
    private readonly IReadOnlyList<LogTarget> _targets;
    private readonly int _runEnd;
    private int _runsEnded;

    /// <param name="ended">Called on the forwarder's thread once the stream ended and all of
    /// it was passed on (or forwarding failed).</param>
    /// <param name="caller">`run -i`: the caller's stdout or stderr, which gets every chunk
    /// first. Once the caller's end is gone, the forwarder closes the pipe, so the container's
    /// next write fails as it would have on the caller's own pipe (SIGPIPE).</param>
    public LogForwarder(int pipeFd, string name, IReadOnlyList<LogTarget> targets, Action? ended = null, CallerOutput? caller = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _targets = targets;
        _runEnd = Check.Io(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK), "eventfd");
        _thread = new Thread(() =>
        {
            try
            {
                Pump(pipeFd, caller);
            }
            finally
            {
                ended?.Invoke();
            }
        }) { IsBackground = true, Name = $"log {name}" };
    }

    public void Start() => _thread.Start();

    /// <summary>Whether any line went as a datagram: journald attributes those to a unit only
    /// while their sender lives, so the executor waits for journald before it exits.</summary>
    public bool SentDatagrams => _targets.Any(t => t is DatagramLogTarget { Sent: true });

    /// <summary>Waits until the stream ended (every writer closed it) and all of it was passed on.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>The container's run ended (its processes are gone, so all they wrote is in
    /// the pipe): what is in the pipe is passed on and an unterminated last line goes out
    /// as partial, as at the stream's end.</summary>
    public unsafe void RunEnded()
    {
        Interlocked.Increment(ref _runsEnded);
        ulong one = 1;
        _ = LibcExtra.write(_runEnd, (byte*)&one, sizeof(ulong));
    }

    private unsafe void Pump(int fd, CallerOutput? caller)
    {
        byte[] buffer = new byte[ChunkSize];
        bool unfinished = false; // the last chunk ended inside a line
        int runsSeen = 0;
        try
        {
            while (true)
            {
                if (unfinished && WaitForDataOrRunEnd(fd))
                {
                    ConsumeRunEnd();
                    if (Volatile.Read(ref _runsEnded) == runsSeen)
                    {
                        continue; // a wake-up a read already accounted for
                    }
                    runsSeen = Volatile.Read(ref _runsEnded);
                    if (!PassOnWhatIsThere(fd, buffer, caller, ref unfinished))
                    {
                        break;
                    }
                    EndRun();
                    unfinished = false;
                    continue;
                }
                int n = Read(fd, buffer);
                if (n <= 0)
                {
                    break;
                }
                if (Volatile.Read(ref _runsEnded) != runsSeen)
                {
                    // A run ended while nothing of it was pending: nothing to flush, and what
                    // this read brought is the next run's.
                    runsSeen = Volatile.Read(ref _runsEnded);
                    ConsumeRunEnd();
                }
                if (!PassOn(buffer.AsSpan(0, n), caller))
                {
                    break;
                }
                unfinished = buffer[n - 1] != (byte)'\n';
            }
            foreach (LogTarget target in _targets)
            {
                target.Complete();
            }
        }
        finally
        {
            _ = LibC.close(fd);
            _ = LibC.close(_runEnd);
            foreach (LogTarget target in _targets)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>Hands a chunk to the caller (`run -i`) and every journal; false once the caller is gone.</summary>
    private bool PassOn(ReadOnlySpan<byte> chunk, CallerOutput? caller)
    {
        bool callerGone = caller is not null && !caller.Write(chunk);
        foreach (LogTarget target in _targets)
        {
            target.Deliver(chunk);
        }
        return !callerGone;
    }

    /// <summary>Reads what the pipe holds without waiting for more; false when the stream
    /// ended (or the caller is gone) meanwhile.</summary>
    private bool PassOnWhatIsThere(int fd, byte[] buffer, CallerOutput? caller, ref bool unfinished)
    {
        while (Readable(fd, timeoutMs: 0))
        {
            int n = Read(fd, buffer);
            if (n <= 0 || !PassOn(buffer.AsSpan(0, n), caller))
            {
                return false;
            }
            unfinished = buffer[n - 1] != (byte)'\n';
        }
        return true;
    }

    private void EndRun()
    {
        foreach (LogTarget target in _targets)
        {
            target.EndRun();
        }
    }

    /// <summary>True when the run's end came (the pipe may hold its last bytes too), false when only data did.</summary>
    private unsafe bool WaitForDataOrRunEnd(int fd)
    {
        pollfd* wait = stackalloc pollfd[2];
        while (true)
        {
            wait[0] = new pollfd { fd = fd, events = LibC.POLLIN };
            wait[1] = new pollfd { fd = _runEnd, events = LibC.POLLIN };
            int ready = LibC.poll(wait, 2, -1);
            if (ready < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
            {
                continue;
            }
            return ready > 0 && wait[1].revents != 0;
        }
    }

    private static unsafe bool Readable(int fd, int timeoutMs)
    {
        var wait = new pollfd { fd = fd, events = LibC.POLLIN };
        int ready;
        do
        {
            ready = LibC.poll(&wait, 1, timeoutMs);
        }
        while (ready < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);
        return ready > 0;
    }

    private unsafe void ConsumeRunEnd()
    {
        ulong count;
        _ = LibcExtra.read(_runEnd, (byte*)&count, sizeof(ulong));
    }

    /// <summary>Bytes read, 0 at the stream's end; a read error ends the stream too (it
    /// cannot happen on a pipe this process holds, and retrying would spin).</summary>
    private static unsafe int Read(int fd, byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = LibcExtra.read(fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                if (Marshal.GetLastPInvokeError() != LibC.EINTR)
                {
                    return 0;
                }
            }
        }
    }
}

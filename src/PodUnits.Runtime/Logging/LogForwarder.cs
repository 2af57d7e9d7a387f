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
/// to it. While nothing is pending the forwarder blocks in poll(2) on the pipe alone, and
/// only while a line is unfinished on the pipe and the run's end (an eventfd) together.
/// </remarks>
public sealed class LogForwarder
{
    private const int ChunkSize = 64 * 1024;

    private readonly Thread _thread;
    private readonly IReadOnlyList<LogTarget> _targets;
    private readonly Lock _runEndLock = new();
    private int _runEnd;
    private int _runsEnded;
    private int _pipe; // -1 once closed (under _runEndLock)
    private volatile bool _idle; // waiting for data with no line unfinished (under _runEndLock)

    /// <param name="ended">Called on the forwarder's thread once the stream ended and all of
    /// it was passed on (or forwarding failed).</param>
    /// <param name="caller">`run -i`: the caller's stdout or stderr, which gets every chunk
    /// first. Once the caller's end is gone, the forwarder closes the pipe, so the container's
    /// next write fails as it would have on the caller's own pipe (SIGPIPE).</param>
    public LogForwarder(int pipeFd, string name, IReadOnlyList<LogTarget> targets, Action? ended = null, CallerOutput? caller = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        Name = name;
        _targets = targets;
        _runEnd = Check.Io(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK), "eventfd");
        _pipe = pipeFd;
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

    /// <summary>The stream it forwards ("main stdout").</summary>
    public string Name { get; }

    public void Start() => _thread.Start();

    /// <summary>Whether any line went as a datagram: journald attributes those to a unit only
    /// while their sender lives, so the executor waits for journald before it exits.</summary>
    public bool SentDatagrams => _targets.Any(t => t is DatagramLogTarget { Sent: true });

    /// <summary>Waits until the stream ended (every writer closed it) and all of it was passed on.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>The container's run ended (its processes are gone, so all they wrote is in
    /// the pipe): what is in the pipe is passed on and an unterminated last line goes out
    /// as a line of its own, as at the stream's end. Nothing once the stream has ended.</summary>
    public unsafe void RunEnded()
    {
        lock (_runEndLock)
        {
            if (_runEnd < 0)
            {
                return; // closed with the stream: its number may be another descriptor's now
            }
            if (_idle && BytesInPipe(_pipe) == 0)
            {
                // Everything the run wrote was passed on, its last line whole: nothing to end,
                // and a signal kept for later would end the next run's first line instead.
                return;
            }
            Interlocked.Increment(ref _runsEnded);
            ulong one = 1;
            _ = LibcExtra.write(_runEnd, (byte*)&one, sizeof(ulong));
        }
    }

    private void Pump(int fd, CallerOutput? caller)
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
                    if (!EndRun(fd, buffer, caller, ref unfinished))
                    {
                        break;
                    }
                    continue;
                }
                if (!unfinished)
                {
                    // Idle: wait for data without taking it, then leave idle under the lock
                    // before the read does. A run's end that finds this thread idle with an
                    // empty pipe then knows nothing of that run is pending: all it wrote was
                    // read and its last line was whole (a read that had already taken the
                    // run's tail would not count as idle). A run's end that came since this
                    // thread last looked is taken here, under the same lock, not left for later.
                    bool runEnded;
                    lock (_runEndLock)
                    {
                        runEnded = Volatile.Read(ref _runsEnded) != runsSeen;
                        _idle = !runEnded;
                    }
                    if (runEnded)
                    {
                        runsSeen = Volatile.Read(ref _runsEnded);
                        ConsumeRunEnd();
                        if (!EndRun(fd, buffer, caller, ref unfinished))
                        {
                            break;
                        }
                        continue;
                    }
                    WaitReadable(fd);
                    lock (_runEndLock)
                    {
                        _idle = false;
                    }
                }
                int n = Read(fd, buffer, buffer.Length);
                if (n <= 0 || !PassOn(buffer.AsSpan(0, n), caller))
                {
                    break;
                }
                unfinished = buffer[n - 1] != (byte)'\n';
                if (Volatile.Read(ref _runsEnded) != runsSeen)
                {
                    // A run ended before or while this read waited: every byte of that run
                    // was in the pipe by then, so this chunk is (at least partly) its output,
                    // even when this thread lagged behind the container.
                    runsSeen = Volatile.Read(ref _runsEnded);
                    ConsumeRunEnd();
                    if (!EndRun(fd, buffer, caller, ref unfinished))
                    {
                        break;
                    }
                }
            }
            foreach (LogTarget target in _targets)
            {
                target.Complete();
            }
        }
        finally
        {
            lock (_runEndLock)
            {
                _ = LibC.close(fd);
                _pipe = -1;
                _ = LibC.close(_runEnd);
                _runEnd = -1;
            }
            foreach (LogTarget target in _targets)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>The end of a run: what the pipe holds now (the run's last bytes, bounded: a
    /// next run that writes on does not hold the end up) is passed on, then an unfinished
    /// line goes out. False when the stream ended (or the caller went) meanwhile.</summary>
    private bool EndRun(int fd, byte[] buffer, CallerOutput? caller, ref bool unfinished)
    {
        for (int left = BytesInPipe(fd); left > 0;)
        {
            int n = Read(fd, buffer, Math.Min(left, buffer.Length));
            if (n <= 0 || !PassOn(buffer.AsSpan(0, n), caller))
            {
                return false;
            }
            unfinished = buffer[n - 1] != (byte)'\n';
            left -= n;
        }
        if (unfinished)
        {
            foreach (LogTarget target in _targets)
            {
                target.EndRun();
            }
            unfinished = false;
        }
        return true;
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

    /// <summary>Until the pipe has data or ended (poll's POLLHUP and POLLERR come unasked).</summary>
    private static unsafe void WaitReadable(int fd)
    {
        var wait = new pollfd { fd = fd, events = LibC.POLLIN };
        while (LibC.poll(&wait, 1, -1) < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
        {
        }
    }

    private static unsafe int BytesInPipe(int fd)
    {
        int count = 0;
        return LibcExtra.ioctl(fd, LibcExtra.FIONREAD, &count) == 0 ? count : 0;
    }

    private unsafe void ConsumeRunEnd()
    {
        ulong count;
        _ = LibcExtra.read(_runEnd, (byte*)&count, sizeof(ulong));
    }

    /// <summary>Bytes read, 0 at the stream's end; a read error ends the stream too (it
    /// cannot happen on a pipe this process holds, and retrying would spin).</summary>
    private static unsafe int Read(int fd, byte[] buffer, int count)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = LibcExtra.read(fd, p, (nuint)count);
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

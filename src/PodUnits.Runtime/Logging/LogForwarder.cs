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
/// to it. The end is a position in the stream, taken when the executor hears of the exit:
/// the bytes read so far plus those still in the pipe (FIONREAD). That is exact because the
/// run's processes are gone by then and the next run cannot write yet (its container waits
/// for the executor's "go", which the executor sends only after it has handled the exit);
/// reads never go past a run's end, so a forwarder that lags behind the container (a slow
/// journald) still ends the line where the run ended, not where its next read happened to.
/// While nothing is pending the forwarder blocks in poll(2) on the pipe alone, and only
/// while a line is unfinished on the pipe and the run's end (an eventfd) together.
/// </remarks>
public sealed class LogForwarder
{
    private const int ChunkSize = 64 * 1024;

    private readonly Thread _thread;
    private readonly IReadOnlyList<LogTarget> _targets;
    private readonly Lock _positionLock = new();
    private readonly Queue<long> _runEnds = new(); // stream positions, in order (under _positionLock)
    private long _position; // bytes read from the pipe so far (under _positionLock)
    private int _runEnd; // eventfd: wakes a forwarder waiting on an unfinished line
    private int _pipe; // -1 once closed (under _positionLock)
    private readonly CallerOutput? _caller;

    /// <param name="ended">Called on the forwarder's thread once the stream ended and all of
    /// it was passed on (or forwarding failed).</param>
    /// <param name="caller">`run -i`: the caller's stdout or stderr, which gets every chunk
    /// after the journals. Once the caller's end is gone (EPIPE), the forwarder closes the
    /// pipe, so the container's next write fails as it would have on the caller's own pipe
    /// (SIGPIPE); after any other error (EIO: a hung-up terminal) the caller gets nothing more
    /// and the journals the rest.</param>
    public LogForwarder(int pipeFd, string name, IReadOnlyList<LogTarget> targets, Action? ended = null, CallerOutput? caller = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        Name = name;
        _targets = targets;
        _runEnd = Check.Io(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK), "eventfd");
        _pipe = pipeFd;
        _caller = caller;
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

    /// <summary>Whether it waits for the `run -i` caller to read a chunk (the journals have it).</summary>
    public bool WaitingForCaller => _caller?.Waiting ?? false;

    /// <summary>Gives the `run -i` caller up: what is left goes to the journals alone.</summary>
    public void DropCaller() => _caller?.Drop();

    /// <summary>The container's run ended: its processes are gone, so all they wrote is read
    /// or in the pipe, and the next run has written nothing yet (call it before that run's
    /// "go"). Where the stream stands now is the run's end: once the forwarder gets there, an
    /// unterminated last line goes out as a line of its own, as at the stream's end. Nothing
    /// once the stream has ended.</summary>
    public unsafe void RunEnded()
    {
        lock (_positionLock)
        {
            if (_runEnd < 0)
            {
                return; // closed with the stream: its number may be another descriptor's now
            }
            long end = _position + BytesInPipe(_pipe);
            if (_runEnds.Count > 0 && _runEnds.Last() == end)
            {
                return; // a run that wrote nothing: its end is the one before's
            }
            _runEnds.Enqueue(end);
            ulong one = 1;
            _ = LibcExtra.write(_runEnd, (byte*)&one, sizeof(ulong));
        }
    }

    private void Pump(int fd, CallerOutput? caller)
    {
        byte[] buffer = new byte[ChunkSize];
        bool unfinished = false; // the last chunk ended inside a line
        try
        {
            while (true)
            {
                if (ReachedRunEnd() && unfinished)
                {
                    foreach (LogTarget target in _targets)
                    {
                        target.EndRun();
                    }
                    unfinished = false;
                }
                if (unfinished && WaitForDataOrRunEnd(fd))
                {
                    ConsumeRunEnd();
                    continue;
                }
                if (!unfinished)
                {
                    WaitReadable(fd); // a whole line needs no run's end: the pipe alone
                }
                int n = ReadUpToRunEnd(fd, buffer);
                if (n < 0)
                {
                    continue; // a run ended right here since this thread last looked
                }
                if (n == 0 || !PassOn(buffer.AsSpan(0, n), ref caller))
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
            lock (_positionLock)
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

    /// <summary>Whether the stream is at a run's end (one or more), which it then leaves behind.</summary>
    private bool ReachedRunEnd()
    {
        lock (_positionLock)
        {
            bool reached = false;
            while (_runEnds.TryPeek(out long end) && end <= _position)
            {
                _runEnds.Dequeue();
                reached = true;
            }
            return reached;
        }
    }

    /// <summary>Reads what the pipe holds, never past the next run's end: bytes read, 0 at
    /// the stream's end, -1 when the stream is at a run's end already. The read cannot
    /// block (the pipe is readable and this thread its only reader), and it holds the lock
    /// so that <see cref="RunEnded"/> sees the bytes it took either all or not at all.</summary>
    private int ReadUpToRunEnd(int fd, byte[] buffer)
    {
        lock (_positionLock)
        {
            int count = _runEnds.TryPeek(out long end) ? (int)Math.Min(buffer.Length, end - _position) : buffer.Length;
            if (count <= 0)
            {
                return -1;
            }
            int n = Read(fd, buffer, count);
            _position += n;
            return n;
        }
    }

    /// <summary>Hands a chunk to every journal, then to the caller (`run -i`); false once the
    /// caller's reader is gone. The journals first: a caller that reads slowly (a pager, a
    /// terminal stopped by Ctrl-S) never costs them a line, even when the end of the pod
    /// gives the caller up (interactive review of 2026-12-07, finding 1). A caller that
    /// failed otherwise (<see cref="CallerWrite.Failed"/>, or dropped) is set to null: the
    /// container runs on, its output journaled.</summary>
    private bool PassOn(ReadOnlySpan<byte> chunk, ref CallerOutput? caller)
    {
        foreach (LogTarget target in _targets)
        {
            target.Deliver(chunk);
        }
        CallerWrite written = caller?.Pass(chunk) ?? CallerWrite.Written;
        if (written is CallerWrite.Failed or CallerWrite.Dropped)
        {
            caller = null;
        }
        return written != CallerWrite.Gone;
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
            if (ready < 0)
            {
                PollFailed();
                continue;
            }
            return wait[1].revents != 0;
        }
    }

    /// <summary>Until the pipe has data or ended (poll's POLLHUP and POLLERR come unasked).</summary>
    private static unsafe void WaitReadable(int fd)
    {
        var wait = new pollfd { fd = fd, events = LibC.POLLIN };
        while (LibC.poll(&wait, 1, -1) < 0)
        {
            PollFailed();
        }
    }

    /// <summary>poll(2) failed: a signal (EINTR) or no memory for its tables (ENOMEM). It is
    /// asked again, never taken for "readable": the read that follows holds the position lock
    /// and would block on an empty pipe, and with it the supervision loop's next
    /// <see cref="RunEnded"/>, probes and restarts included (journal review of 2026-12-06,
    /// finding 5).</summary>
    private static void PollFailed()
    {
        if (Marshal.GetLastPInvokeError() != LibC.EINTR)
        {
            Thread.Sleep(10); // memory is short: give the kernel a moment
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

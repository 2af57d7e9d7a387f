using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Attach;

/// <summary>
/// `run -i` without `-t`: the caller's stdout or stderr. The container writes to a pipe like
/// any container, whose forwarder journals its lines and copies every chunk here as it was
/// read (a prompt without a newline shows at once), as conmon does for `podman run -i`.
/// </summary>
public sealed unsafe class CallerOutput(int fd)
{
    private readonly object _gate = new();
    private byte[] _pending = [];
    private int _pendingLength = -1; // -1: nothing for the writer thread (under _gate)
    private CallerWrite? _result; // the last chunk's (under _gate)
    private bool _dropped; // under _gate
    private Thread? _writer;

    /// <summary>
    /// Writes all of <paramref name="chunk"/>, waiting while the caller does not read, on a
    /// thread of its own: the forwarder waits for it, so a slow caller holds the container
    /// back as its own pipe would, but <see cref="Drop"/> lets the forwarder go on (to the
    /// journal) while that thread stays blocked in write(2) on a caller that never reads
    /// again (interactive review of 2026-12-07, finding 1).
    /// </summary>
    public CallerWrite Pass(ReadOnlySpan<byte> chunk)
    {
        lock (_gate)
        {
            if (_dropped)
            {
                return CallerWrite.Dropped;
            }
            if (_pending.Length < chunk.Length)
            {
                _pending = new byte[chunk.Length];
            }
            chunk.CopyTo(_pending);
            (_pendingLength, _result) = (chunk.Length, null);
            Monitor.PulseAll(_gate);
        }
        if (_writer is null)
        {
            _writer = new Thread(WriteChunks) { IsBackground = true, Name = $"caller fd {fd}" };
            _writer.Start();
        }
        lock (_gate)
        {
            while (_result is null && !_dropped)
            {
                Monitor.Wait(_gate);
            }
            return _result ?? CallerWrite.Dropped;
        }
    }

    /// <summary>Whether <see cref="Pass"/> waits for the caller to read right now.</summary>
    public bool Waiting
    {
        get
        {
            lock (_gate)
            {
                return _pendingLength >= 0 && !_dropped;
            }
        }
    }

    /// <summary>Gives up on the caller: a <see cref="Pass"/> waiting returns at once, and every
    /// later one, with <see cref="CallerWrite.Dropped"/>.</summary>
    public void Drop()
    {
        lock (_gate)
        {
            _dropped = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Writes all of <paramref name="chunk"/>, waiting while the descriptor is full;
    /// 0, or the errno that stopped it (EPIPE when the reader has gone).</summary>
    public int WriteAll(ReadOnlySpan<byte> chunk)
    {
        fixed (byte* b = chunk)
        {
            for (int done = 0; done < chunk.Length;)
            {
                long n = LibcExtra.write(fd, b + done, (nuint)(chunk.Length - done));
                if (n >= 0)
                {
                    done += (int)n;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }
                if (errno != LibC.EAGAIN)
                {
                    return errno;
                }
                // The caller's descriptor is non-blocking (shared with a shell that set it so).
                var poll = new pollfd { fd = fd, events = LibC.POLLOUT };
                _ = LibC.poll(&poll, 1, -1);
            }
        }
        return 0;
    }

    /// <summary>What a write's errno means for the container. EPIPE (and EBADF, a closed
    /// descriptor) is a reader that stopped reading, `run -i ... | head`: the container's own
    /// pipe would give it SIGPIPE. Anything else, EIO of a hung-up terminal above all, is not:
    /// a command writing to a hung-up terminal of its own gets EIO and runs on, and a SIGPIPE
    /// killed a command's graceful stop after an SSH drop (interactive review of 2026-12-07,
    /// finding 2). Then only the caller is given up; the journal gets the rest.</summary>
    public static CallerWrite Meaning(int errno) =>
        errno == 0 ? CallerWrite.Written
        : errno == LibC.EPIPE || errno == LibC.EBADF ? CallerWrite.Gone
        : CallerWrite.Failed;

    private void WriteChunks()
    {
        while (true)
        {
            int length;
            lock (_gate)
            {
                while (_pendingLength < 0)
                {
                    Monitor.Wait(_gate);
                }
                length = _pendingLength;
            }
            CallerWrite result = Meaning(WriteAll(_pending.AsSpan(0, length))); // only this thread reads _pending while a length is set
            lock (_gate)
            {
                (_pendingLength, _result) = (-1, result);
                Monitor.PulseAll(_gate);
            }
        }
    }
}

/// <summary>How a chunk for the caller went (<see cref="CallerOutput.Pass"/>).</summary>
public enum CallerWrite
{
    Written,
    /// <summary>The reader is gone (EPIPE): the container's pipe is closed, as its own would be.</summary>
    Gone,
    /// <summary>Another error (EIO: a hung-up terminal): the caller gets nothing more, the journal all.</summary>
    Failed,
    /// <summary>Given up by <see cref="CallerOutput.Drop"/> (a stop's deadline).</summary>
    Dropped,
}

using Microsoft.Win32.SafeHandles;
using PodUnits.Runtime.Attach;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Reads one container stream (stdout or stderr pipe) on its own thread, so a container
/// that floods cannot hold back another, and hands every chunk to each of its journals
/// (<see cref="LogRoutes"/>: the host's, and the pod's own for `journalctl -M`). Order
/// within a stream is kept because one thread passes its chunks on in sequence; a full
/// journal blocks the thread (and then the container's writes), it never drops a line.
/// </summary>
public sealed class LogForwarder
{
    private readonly Thread _thread;
    private readonly IReadOnlyList<LogTarget> _targets;

    /// <param name="ended">Called on the forwarder's thread once the stream ended and all of
    /// it was passed on (or forwarding failed).</param>
    /// <param name="caller">`run -i`: the caller's stdout or stderr, which gets every chunk
    /// first. Once the caller's end is gone, the forwarder closes the pipe, so the container's
    /// next write fails as it would have on the caller's own pipe (SIGPIPE).</param>
    public LogForwarder(int pipeFd, string name, IReadOnlyList<LogTarget> targets, Action? ended = null, CallerOutput? caller = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _targets = targets;
        _thread = new Thread(() =>
        {
            try
            {
                Pump(pipeFd, targets, caller);
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

    private static void Pump(int fd, IReadOnlyList<LogTarget> targets, CallerOutput? caller)
    {
        try
        {
            using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 0);
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                bool callerGone = caller is not null && !caller.Write(buffer.AsSpan(0, n));
                foreach (LogTarget target in targets)
                {
                    target.Deliver(buffer.AsSpan(0, n));
                }
                if (callerGone)
                {
                    break;
                }
            }
            foreach (LogTarget target in targets)
            {
                target.Complete();
            }
        }
        finally
        {
            foreach (LogTarget target in targets)
            {
                target.Dispose();
            }
        }
    }
}

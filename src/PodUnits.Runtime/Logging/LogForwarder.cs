using Microsoft.Win32.SafeHandles;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Reads one container stream (stdout or stderr pipe) on its own thread, so a container
/// that floods cannot hold back another, and forwards every line to the journal(s).
/// Order within a stream is kept because one thread sends its lines in sequence.
/// </summary>
public sealed class LogForwarder
{
    private readonly Thread _thread;

    public LogForwarder(int pipeFd, string podName, string podId, ContainerPlan container, bool stderr,
        IReadOnlyList<Func<TemporaryJournalSender?>> sinks)
    {
        ArgumentNullException.ThrowIfNull(container);
        string full = ContainerIds.Full(podId, container.Name);
        byte[] fields = TemporaryJournalSender.EncodeFields([
            ("SYSLOG_IDENTIFIER", container.Name), ("CONTAINER_NAME", container.Name),
            ("CONTAINER_ID", full[..12]), ("CONTAINER_ID_FULL", full),
            ("POD_NAME", podName), ("POD_ID", podId),
        ]);
        int priority = stderr ? 3 : 6;
        _thread = new Thread(() => Pump(pipeFd, fields, priority, sinks))
        {
            IsBackground = true,
            Name = $"log {container.Name} {(stderr ? "stderr" : "stdout")}",
        };
    }

    public void Start() => _thread.Start();

    /// <summary>Waits until the stream ended (every writer closed it) and all lines were sent.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private static void Pump(int fd, byte[] fields, int priority, IReadOnlyList<Func<TemporaryJournalSender?>> sinks)
    {
        var splitter = new LineSplitter();
        void Emit(ReadOnlyMemory<byte> message, bool partial)
        {
            foreach (Func<TemporaryJournalSender?> sink in sinks)
            {
                try
                {
                    sink()?.Send(fields, message.Span, priority, partial);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // A journal that went away (the pod's own, at stop) must not stop the others.
                }
            }
        }
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 0);
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            splitter.Feed(buffer.AsSpan(0, n), Emit);
        }
        splitter.Flush(Emit);
    }
}

/// <summary>Container IDs as podman's journald fields carry them: 64 hex digits, stable for a
/// pod (its machine ID) and container name; CONTAINER_ID is the first 12.</summary>
public static class ContainerIds
{
    public static string Full(string podId, string container) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{podId}/{container}")));
}

using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Errors;
using PodUnits.Journal;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Logging;

/// <summary>
/// Reads one container stream (stdout or stderr pipe) on its own thread, so a container
/// that floods cannot hold back another, and sends every line to each journal (the host's,
/// and the pod's own for `journalctl -M`) as a native-protocol entry with podman's
/// journald-driver fields plus POD_NAME and POD_ID. Order within a stream is kept because
/// one thread sends its lines in sequence; a full journald socket blocks the thread (and
/// then the container's writes), it never drops a line.
/// </summary>
public sealed class LogForwarder
{
    private readonly Thread _thread;

    public LogForwarder(int pipeFd, string podName, string podId, ContainerPlan container, bool stderr,
        IReadOnlyList<JournalClient> journals)
    {
        ArgumentNullException.ThrowIfNull(container);
        string full = ContainerIds.Full(podId, container.Name);
        (string, string)[] fields =
        [
            ("SYSLOG_IDENTIFIER", container.Name), ("CONTAINER_NAME", container.Name),
            ("CONTAINER_ID", full[..12]), ("CONTAINER_ID_FULL", full),
            ("POD_NAME", podName), ("POD_ID", podId),
            ("PRIORITY", stderr ? "3" : "6"),
        ];
        _thread = new Thread(() => Pump(pipeFd, fields, journals))
        {
            IsBackground = true,
            Name = $"log {container.Name} {(stderr ? "stderr" : "stdout")}",
        };
    }

    public void Start() => _thread.Start();

    /// <summary>Waits until the stream ended (every writer closed it) and all lines were sent.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private static void Pump(int fd, (string Name, string Value)[] fields, IReadOnlyList<JournalClient> journals)
    {
        using var entry = new JournalEntryBuilder();
        foreach ((string name, string value) in fields)
        {
            entry.Add(name, value);
        }
        int shared = entry.Length;
        var failed = new bool[journals.Count];
        void Emit(ReadOnlyMemory<byte> message, bool partial)
        {
            entry.ResetTo(shared);
            if (partial)
            {
                entry.Add("CONTAINER_PARTIAL_MESSAGE", "true");
            }
            entry.Add("MESSAGE", message.Span);
            for (int i = 0; i < journals.Count; i++)
            {
                try
                {
                    journals[i].Send(entry);
                    failed[i] = false;
                }
                catch (PodUnitsException e)
                {
                    // One journal that is gone (the pod's own, at stop) must not stop the others.
                    if (!failed[i])
                    {
                        Console.Error.WriteLine($"journal {journals[i].SocketPath}: {e.Message}, ignoring");
                        failed[i] = true;
                    }
                }
            }
        }
        var splitter = new LineSplitter();
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

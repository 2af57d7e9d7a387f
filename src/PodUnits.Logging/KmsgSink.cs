using System.Globalization;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace PodUnits.Logging;

/// <summary>
/// The kernel's log buffer, for a process that runs before journald does: a systemd generator
/// (systemd.generator(7), "Notes": generators log to /dev/kmsg; journald reads the buffer once
/// it starts). One write per record, <c>&lt;PRIORITY&gt;IDENTIFIER[PID]: MESSAGE</c>, the form
/// the kernel turns into a syslog-style record with that priority. Structured fields cannot
/// cross kmsg, so the exception's text, when there is one, follows as a second record.
/// </summary>
public sealed class KmsgSink : ILogEventSink, IDisposable
{
    public const string DevicePath = "/dev/kmsg";
    private readonly Stream _kmsg;
    private readonly string _tag;
    private readonly object _lock = new();

    private KmsgSink(Stream kmsg, string identifier)
    {
        _kmsg = kmsg;
        _tag = $"{identifier}[{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}]";
    }

    /// <summary>A sink on /dev/kmsg, or null where it cannot be opened for writing (a dry
    /// run in a terminal as a user, a container).</summary>
    public static KmsgSink? TryOpen(string identifier, string path = DevicePath)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        try
        {
            return new KmsgSink(new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0), identifier);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        int priority = (int)JournaldSink.PriorityOf(logEvent.Level);
        string text = logEvent.RenderMessage(CultureInfo.InvariantCulture);
        lock (_lock)
        {
            try
            {
                Write(priority, text);
                if (logEvent.Exception is { } e)
                {
                    Write(priority, e.ToString().ReplaceLineEndings(" | "));
                }
            }
            catch (IOException e)
            {
                SelfLog.WriteLine("kmsg sink: {0}", e.Message);
            }
        }
    }

    private void Write(int priority, string text) =>
        _kmsg.Write(System.Text.Encoding.UTF8.GetBytes(Record(priority, _tag, text)));

    /// <summary>One kmsg record; newlines would end it early, so they become spaces.</summary>
    internal static string Record(int priority, string tag, string text) =>
        $"<{priority.ToString(CultureInfo.InvariantCulture)}>{tag}: {text.ReplaceLineEndings(" ")}\n";

    public void Dispose() => _kmsg.Dispose();
}

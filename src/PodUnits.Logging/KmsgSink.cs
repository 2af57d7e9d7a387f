using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace PodUnits.Logging;

/// <summary>
/// The kernel's log buffer, for a process that runs before journald does: a systemd generator
/// (systemd.generator(7), "Notes": generators log to /dev/kmsg; journald reads the buffer once
/// it starts). One write per record, <c>&lt;PRIORITY&gt;IDENTIFIER[PID]: MESSAGE</c>, the form
/// the kernel turns into a syslog-style record with that priority. Structured fields cannot
/// cross kmsg, so the exception's text, when there is one, follows as a second record.
/// </summary>
/// <remarks>
/// Two kernel limits dropped records without a trace (logging review of 2026-12-07, finding 3).
/// Unless booted with printk.devkmsg=on, the kernel ratelimits writes per open file of
/// /dev/kmsg, 10 in 5 s (devkmsg_write, DEFAULT_RATELIMIT_BURST), reports success for the
/// ones it drops, and says how many only when the file is closed: a boot with a few pods
/// copied from a cluster (a warning each) lost the error that said why a pod got no unit. So
/// the device is opened again after every <see cref="BurstPerOpen"/> records (systemd's own
/// log_open_kmsg keeps one open, and its generators are limited so). And it refuses a record
/// longer than LOG_LINE_MAX (EINVAL; 976 bytes on 6.1, 1024 later): a longer message goes as
/// several records of at most <see cref="RecordMax"/> bytes, every one after the first marked
/// "(continued)". What kmsg still refuses goes to stderr, no longer to Serilog's SelfLog,
/// which writes nowhere.
/// </remarks>
public sealed class KmsgSink : ILogEventSink, IDisposable
{
    public const string DevicePath = "/dev/kmsg";

    /// <summary>Records the kernel takes on one open file of /dev/kmsg before its ratelimit drops them.</summary>
    internal const int BurstPerOpen = 10;

    /// <summary>The longest record every kernel takes, "&lt;N&gt;" and newline included.</summary>
    internal const int RecordMax = 976;

    private const string Continued = "(continued) ";

    private readonly string _path;
    private readonly string _tag;
    private readonly TextWriter _fallback;
    private readonly object _lock = new();
    private Stream? _kmsg;
    private int _written; // records written on _kmsg

    private KmsgSink(Stream kmsg, string path, string identifier, TextWriter fallback)
    {
        _kmsg = kmsg;
        _path = path;
        _fallback = fallback;
        _tag = $"{identifier}[{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}]";
    }

    /// <summary>A sink on /dev/kmsg, or null where it cannot be opened for writing (a dry
    /// run in a terminal as a user, a container).</summary>
    /// <param name="fallback">Where a record kmsg refuses goes; stderr unless given.</param>
    public static KmsgSink? TryOpen(string identifier, string path = DevicePath, TextWriter? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        try
        {
            return new KmsgSink(Open(path), path, identifier, fallback ?? Console.Error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static FileStream Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        if (stream.CanSeek)
        {
            stream.Seek(0, SeekOrigin.End); // a file standing in for the device, in tests
        }
        return stream;
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        int priority = (int)JournaldSink.PriorityOf(logEvent.Level);
        string text = logEvent.RenderMessage(CultureInfo.InvariantCulture);
        lock (_lock)
        {
            foreach (string record in Records(priority, _tag, text))
            {
                Write(record);
            }
            if (logEvent.Exception is { } e)
            {
                foreach (string record in Records(priority, _tag, e.ToString().ReplaceLineEndings(" | ")))
                {
                    Write(record);
                }
            }
        }
    }

    private void Write(string record)
    {
        try
        {
            if (_kmsg is null || _written >= BurstPerOpen)
            {
                _kmsg?.Dispose();
                _kmsg = null;
                _kmsg = Open(_path);
                _written = 0;
            }
            _kmsg.Write(Encoding.UTF8.GetBytes(record));
            _written++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _fallback.WriteLine($"{record.TrimEnd('\n')} (kmsg: {e.Message})");
        }
    }

    /// <summary>One kmsg record; newlines would end it early, so they become spaces.</summary>
    internal static string Record(int priority, string tag, string text) =>
        $"<{priority.ToString(CultureInfo.InvariantCulture)}>{tag}: {text.ReplaceLineEndings(" ")}\n";

    /// <summary>The records for <paramref name="text"/>: one, or as many as it takes for
    /// each to be at most <see cref="RecordMax"/> bytes, cut between characters, every one
    /// after the first starting "(continued) ".</summary>
    internal static IEnumerable<string> Records(int priority, string tag, string text)
    {
        string whole = Record(priority, tag, text);
        if (Encoding.UTF8.GetByteCount(whole) <= RecordMax)
        {
            yield return whole;
            yield break;
        }
        string head = $"<{priority.ToString(CultureInfo.InvariantCulture)}>{tag}: ";
        string body = text.ReplaceLineEndings(" ");
        var piece = new StringBuilder();
        // Less the newline; never so little that a character and the mark could not fit.
        int room = Math.Max(RecordMax - Encoding.UTF8.GetByteCount(head) - 1, Continued.Length + 4);
        int used = 0;
        foreach (Rune rune in body.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > room)
            {
                yield return $"{head}{piece}\n";
                piece.Clear().Append(Continued);
                used = Continued.Length;
            }
            piece.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }
        yield return $"{head}{piece}\n";
    }

    public void Dispose() => _kmsg?.Dispose();
}

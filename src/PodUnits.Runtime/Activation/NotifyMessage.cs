using System.Text;

namespace PodUnits.Runtime.Activation;

/// <summary>
/// What PodUnits reads of one sd_notify(3) datagram from a container: newline-separated
/// VARIABLE=VALUE assignments, of which READY=1, STATUS= and BARRIER=1 count. The rest
/// (MAINPID=, RELOADING=, STOPPING=, WATCHDOG=, ERRNO=, EXTEND_TIMEOUT_USEC=, FDSTORE=, ...)
/// is ignored: the pod's main process is the executor, whose unit systemd supervises; a
/// container's stop and restarts are the pod init's; no watchdog or fd store is offered
/// (docs/activation.md). STATUS= goes into the unit's own STATUS= line, so it is cut to one
/// line of printable text.
/// </summary>
public sealed record NotifyMessage(bool Ready, string? Status, bool Barrier)
{
    /// <summary>systemd's NOTIFY_BUFFER_MAX: a longer datagram is not a notification.</summary>
    public const int MaxDatagram = 4096;

    /// <summary>How much of a STATUS= text the unit's status line shows.</summary>
    public const int MaxStatus = 200;

    public static NotifyMessage Parse(ReadOnlySpan<byte> datagram)
    {
        bool ready = false, barrier = false;
        string? status = null;
        foreach (string line in Encoding.UTF8.GetString(datagram).Split('\n'))
        {
            switch (line.Split('=', 2))
            {
                case ["READY", "1"]:
                    ready = true;
                    break;
                case ["BARRIER", "1"]:
                    barrier = true;
                    break;
                case ["STATUS", string text]:
                    status = Printable(text);
                    break;
                default:
                    break;
            }
        }
        return new NotifyMessage(ready, status, barrier);
    }

    private static string Printable(string text)
    {
        var clean = new StringBuilder(Math.Min(text.Length, MaxStatus));
        foreach (char c in text)
        {
            if (clean.Length == MaxStatus)
            {
                break;
            }
            clean.Append(char.IsControl(c) ? ' ' : c);
        }
        return clean.ToString().Trim();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PodUnits.Runtime.Health;

/// <summary>The pieces of the probes' messages that follow Go's wording (what the kubelet
/// prints): "dial tcp ADDR: connect: connection refused", durations as "1s" / "500ms".</summary>
internal static class ProbeText
{
    /// <summary>The User-Agent the kubelet sends ("kube-probe/MAJOR.MINOR"), unless the probe's
    /// headers set one. The minor is the Kubernetes release whose probe semantics these follow.</summary>
    public const string UserAgent = "kube-probe/1.34";

    /// <summary>How much of a response body a message quotes: the journal wants one short line.</summary>
    private const int ExcerptChars = 200;

    /// <summary>Go's net.JoinHostPort: "127.0.0.1:80", "[::1]:80".</summary>
    public static string HostPort(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    public static string HostPort(IPAddress address, int port) => HostPort(address.ToString(), port);

    /// <summary>Go's time.Duration.String() for the whole and simple values probes use.</summary>
    public static string Duration(TimeSpan t) =>
        t.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)t.TotalSeconds}s"
        : t < TimeSpan.FromSeconds(1) ? $"{t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : $"{t.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";

    /// <summary>What Go's dialer says when a connect fails: "dial tcp ADDR: connect: connection refused".</summary>
    public static string DialError(string hostPort, Exception e) => e switch
    {
        SocketException s => $"dial tcp {hostPort}: connect: {Errno(s)}",
        _ => $"dial tcp {hostPort}: {e.Message}",
    };

    /// <summary>strerror as Go prints it (lower case): "connection refused", "no route to host".</summary>
    private static string Errno(SocketException s)
    {
        string m = s.Message;
        return m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : s.SocketErrorCode.ToString();
    }

    /// <summary>An exec probe's output as one line without control characters: it becomes the
    /// container's last probe in `podunits status` and the unit's STATUS=, which terminals
    /// show, so an escape sequence the command printed must not drive the reader's terminal.
    /// Line breaks become one space each.</summary>
    public static string CommandOutput(ReadOnlySpan<byte> output)
    {
        return Core.Text.OneLine.Spaced(Encoding.UTF8.GetString(output).Trim().ReplaceLineEndings(" "));
    }

    /// <summary>The start of a body as one printable line (the journal shows one line).</summary>
    public static string Excerpt(ReadOnlySpan<byte> body)
    {
        string text = Encoding.UTF8.GetString(body.Length > ExcerptChars * 4 ? body[..(ExcerptChars * 4)] : body);
        var b = new StringBuilder(Math.Min(text.Length, ExcerptChars + 3));
        foreach (char c in text)
        {
            if (b.Length == ExcerptChars)
            {
                return b.Append("...").ToString();
            }
            b.Append(char.IsControl(c) ? ' ' : c);
        }
        return b.ToString().TrimEnd();
    }
}

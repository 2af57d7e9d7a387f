using System.Globalization;
using System.Text.RegularExpressions;
using PodUnits.Core.Errors;

namespace PodUnits.Cli.Commands;

/// <summary>
/// <c>logs --since</c>'s and <c>--until</c>'s value, as podman logs --since and --until and
/// kubectl logs --since and --since-time take it: a Go duration back from now (<c>10m</c>, <c>1h30m</c>, <c>2.5s</c>)
/// or a time (RFC 3339 <c>2026-12-04T10:00:00Z</c>, <c>2026-12-04 10:00:00</c>, a date;
/// without a zone it is local time). The result is an absolute instant, handed to journalctl
/// as <c>@SECONDS</c>: journalctl 252 reads neither Go durations nor RFC 3339's "T".
/// </summary>
internal static partial class LogsSince
{
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
    ];

    /// <summary>The instant <paramref name="value"/> of <paramref name="option"/> names,
    /// <paramref name="now"/> being now.</summary>
    public static DateTimeOffset Parse(string value, DateTimeOffset now, string option = "--since")
    {
        ArgumentNullException.ThrowIfNull(value);
        if (GoDuration(value) is { } back)
        {
            // Back before 1970 is the whole journal (nothing in it is older); further back
            // than year 1 threw from the subtraction, an internal error (CLI review of
            // 2026-12-06, finding 4).
            return back >= now - DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : now - back;
        }
        if (DateTimeOffset.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out DateTimeOffset at))
        {
            return at;
        }
        throw new BadInputException($"{option} '{value}'",
            "is neither a duration back from now (10m, 1h30m, 45s) nor a time (2026-12-04T10:00:00Z, 2026-12-04 10:00:00, 2026-12-04)");
    }

    /// <summary>journalctl's form of the instant for <paramref name="option"/> (--since or
    /// --until): <c>@</c> and seconds since the epoch.</summary>
    public static string JournalctlArgument(DateTimeOffset at, string option = "--since") =>
        option + "=@" + (at.ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A Go time.ParseDuration value without a sign ("1h30m", "2.5s", "100ms");
    /// null when it is not one. A sign makes no sense here: a duration looks back.</summary>
    internal static TimeSpan? GoDuration(string value)
    {
        if (value == "0")
        {
            return TimeSpan.Zero;
        }
        Match match = DurationPattern().Match(value);
        if (!match.Success)
        {
            return null;
        }
        double seconds = 0;
        for (int i = 0; i < match.Groups["n"].Captures.Count; i++)
        {
            double n = double.Parse(match.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            seconds += n * match.Groups["u"].Captures[i].Value switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                _ => 1e-9, // ns
            };
        }
        return seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
    }

    [GeneratedRegex(@"^(?:(?<n>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?<u>h|ms|m|s|us|µs|ns))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}

using System.Globalization;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.State;

/// <summary>
/// The host's subordinate ID ranges (subuid(5), subgid(5): "NAME:FIRST:COUNT" per line), which
/// useradd hands out from 100000 up, 65,536 each. A user holding such a range can enter a user
/// namespace mapping it (newuidmap), so a pod's range must not overlap one: that user would be
/// the pod's container root on the host, free to read its processes' environment (Secrets)
/// and their roots. Review of 2026-12-05: the seventh user's range overlapped the first pod's.
/// </summary>
public static class SubordinateIds
{
    public static readonly string[] HostFiles = ["/etc/subuid", "/etc/subgid"];

    /// <summary>Every range in <paramref name="files"/> that exist; lines that are not ranges
    /// (comments, a name without numbers) are skipped, as newuidmap skips them.</summary>
    public static IReadOnlyList<IdMapping> Read(IEnumerable<string>? files = null)
    {
        var ranges = new List<IdMapping>();
        foreach (string file in files ?? HostFiles)
        {
            if (!File.Exists(file))
            {
                continue;
            }
            foreach (string line in File.ReadLines(file))
            {
                if (Parse(line) is { } range)
                {
                    ranges.Add(range);
                }
            }
        }
        return ranges;
    }

    internal static IdMapping? Parse(string line)
    {
        string[] parts = line.Trim().Split(':');
        return parts.Length == 3 && !parts[0].StartsWith('#')
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint first)
            && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint count)
            && count > 0
            ? new IdMapping(first, (uint)Math.Min(count, (ulong)uint.MaxValue + 1 - first))
            : null;
    }
}

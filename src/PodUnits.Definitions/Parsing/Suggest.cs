namespace PodUnits.Definitions.Parsing;

/// <summary>"Did you mean": the known name closest to a typo, by edit distance with adjacent
/// transpositions counted as one edit (optimal string alignment), case-insensitively. Public
/// for the CLI's unknown verbs too, so both say "did you mean" by the same measure.</summary>
public static class Suggest
{
    /// <summary>Beyond these sizes no hint is looked for: a definition is input to the boot's
    /// generator, and one with thousands of references to missing keys of long names must
    /// not cost minutes of edit distances (systemd kills a generator after 90 s, and every
    /// pod would go without its settings).</summary>
    private const int MaxCandidates = 512;
    private const int MaxLength = 64;
    private const int MaxEdits = 3;

    public static string? Closest(string typo, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typo);
        ArgumentNullException.ThrowIfNull(candidates);
        if (typo.Length > MaxLength)
        {
            return null;
        }
        string lower = typo.ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        int allowed = Math.Clamp(typo.Length / 3, 1, MaxEdits);
        int seen = 0;
        foreach (string candidate in candidates)
        {
            if (++seen > MaxCandidates)
            {
                return null;
            }
            int d = Distance(lower, candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Formats "; did you mean "x"?" or nothing.</summary>
    public static string Hint(string typo, IEnumerable<string> candidates) =>
        Closest(typo, candidates) is string s ? $"; did you mean \"{s}\"?" : "";

    /// <summary>The distance, or int.MaxValue when it is more than three edits (nothing more is
    /// ever suggested): only cells within three of the diagonal are computed, in three rolling
    /// rows (the transposition looks two rows back), and the walk stops at a row whose every
    /// cell is past three.</summary>
    internal static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > MaxEdits || b.Length > MaxLength + MaxEdits)
        {
            return int.MaxValue;
        }
        const int Far = MaxEdits + 1;
        int width = b.Length + 1;
        Span<int> rows = stackalloc int[3 * width];
        Span<int> before = rows[..width], previous = rows[width..(2 * width)], current = rows[(2 * width)..];
        for (int j = 0; j < width; j++)
        {
            previous[j] = Math.Min(j, Far);
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current.Fill(Far);
            current[0] = Math.Min(i, Far);
            int rowBest = current[0];
            for (int j = Math.Max(1, i - MaxEdits); j <= Math.Min(b.Length, i + MaxEdits); j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, before[j - 2] + 1);
                }
                current[j] = Math.Min(v, Far);
                rowBest = Math.Min(rowBest, current[j]);
            }
            if (rowBest >= Far)
            {
                return int.MaxValue;
            }
            Span<int> recycled = before;
            before = previous;
            previous = current;
            current = recycled;
        }
        return previous[b.Length] >= Far ? int.MaxValue : previous[b.Length];
    }
}

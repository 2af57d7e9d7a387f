namespace PodUnits.Definitions.Parsing;

/// <summary>"Did you mean": the known name closest to a typo, by edit distance with adjacent
/// transpositions counted as one edit (optimal string alignment), case-insensitively. Public
/// for the CLI's unknown verbs too, so both say "did you mean" by the same measure.</summary>
public static class Suggest
{
    public static string? Closest(string typo, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typo);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        int allowed = Math.Clamp(typo.Length / 3, 1, 3);
        foreach (string candidate in candidates)
        {
            int d = Distance(typo.ToLowerInvariant(), candidate.ToLowerInvariant());
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

    internal static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 3)
        {
            return int.MaxValue;
        }
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}

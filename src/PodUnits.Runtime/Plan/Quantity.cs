using System.Globalization;

namespace PodUnits.Runtime.Plan;

/// <summary>Kubernetes resource quantities: memory ("64Mi", "1G", "128974848") to bytes and
/// cpu ("500m", "2", "0.5") to millicores.</summary>
public static class Quantity
{
    private static readonly (string Suffix, ulong Factor)[] Suffixes =
    [
        ("Ki", 1UL << 10), ("Mi", 1UL << 20), ("Gi", 1UL << 30), ("Ti", 1UL << 40),
        ("k", 1000UL), ("K", 1000UL), ("M", 1000_000UL), ("G", 1000_000_000UL), ("T", 1000_000_000_000UL),
    ];

    public static ulong? Bytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach ((string suffix, ulong factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                decimal.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out decimal v) && v >= 0)
            {
                return (ulong)(v * factor);
            }
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal plain) && plain >= 0
            ? (ulong)plain : null;
    }

    public static ulong? Millicores(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.EndsWith('m'))
        {
            return ulong.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong m) ? m : null;
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal cores) && cores >= 0
            ? (ulong)(cores * 1000) : null;
    }
}

using System.Globalization;

namespace PodUnits.Core.Text;

/// <summary>A count with its noun in the right number, for messages people read ("1 container
/// running", "3 failed starts"), rather than "container(s)".</summary>
public static class Counted
{
    /// <summary>"1 start", "2 starts"; <paramref name="plural"/> for nouns that do not take an s.</summary>
    public static string Of(long count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {Noun(count, noun, plural)}");

    /// <summary>The noun alone, in the number <paramref name="count"/> asks for.</summary>
    public static string Noun(long count, string noun, string? plural = null) => count == 1 ? noun : plural ?? noun + "s";
}

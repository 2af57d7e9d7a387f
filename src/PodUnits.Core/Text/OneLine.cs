namespace PodUnits.Core.Text;

/// <summary>Text that must stay one line wherever it goes (a diagnostic, a line on a journal
/// stream), whatever it quotes: a control character is written as an escape.</summary>
public static class OneLine
{
    /// <summary><paramref name="text"/> with \n, \r, \t and every other control character
    /// escaped (\xNN).</summary>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl))
        {
            return text;
        }
        var line = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            line.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\x" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return line.ToString();
    }

    /// <summary><paramref name="text"/> with every control character (line breaks, escape
    /// sequences' ESC, BEL) a space: for a container's text shown on one line, where an escape
    /// would drive the reader's terminal and \xNN would be noise (a probe's output, a status).</summary>
    public static string Spaced(ReadOnlySpan<char> text)
    {
        var line = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            line.Append(char.IsControl(c) ? ' ' : c);
        }
        return line.ToString();
    }
}

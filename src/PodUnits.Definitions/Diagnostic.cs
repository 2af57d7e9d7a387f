namespace PodUnits.Definitions;

public enum Severity
{
    Warning,
    Error,
}

/// <summary>One finding about a definition file, at the line and column (1-based) of the
/// YAML node it is about. Printed as <c>FILE:LINE:COL: error: MESSAGE</c>, the form
/// compilers use, so editors and people can jump to it.</summary>
public sealed record Diagnostic(Severity Severity, string File, int Line, int Column, string Message)
{
    public bool IsError => Severity == Severity.Error;

    /// <summary>One line whatever the definition held: a control character a message quotes
    /// from it (a line break in a host name, a NUL in a path) is written as an escape.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(IsError ? "error" : "warning")}: {OneLine(Message)}";

    private static string OneLine(string text)
    {
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
}

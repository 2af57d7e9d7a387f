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
        $"{File}:{Line}:{Column}: {(IsError ? "error" : "warning")}: {Core.Text.OneLine.Of(Message)}";
}

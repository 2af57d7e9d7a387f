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

    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(IsError ? "error" : "warning")}: {Message}";
}

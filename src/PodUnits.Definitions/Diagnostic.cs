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
    /// <summary>What a message that may quote a Secret's value says instead, outside `podunits validate`.</summary>
    public const string SecretMessage = "in a Secret: not shown here, as it may quote a value ('podunits validate' shows it)";

    public bool IsError => Severity == Severity.Error;

    /// <summary>It says a ConfigMap, Secret or key the pod references does not exist (yet): a
    /// start may succeed once it is created, as the kubelet retries a container that failed
    /// with CreateContainerConfigError (<see cref="PodDefinitionException.OnlyMissingReferences"/>).</summary>
    public bool IsMissingReference { get; init; }

    /// <summary>It is about a Secret's document (a standalone Secret file, or a Secret in the
    /// pod's own file): a parser's message may quote a value there ("alias *s3cr3t refers
    /// to...", "must be a mapping, found ..."), so only `podunits validate`, run by root at a
    /// terminal, says it in full (<see cref="Redacted"/>).</summary>
    public bool MayQuoteSecret { get; init; }

    /// <summary>This diagnostic for a place others may read (the journal, a unit's status line,
    /// the kernel log, a refresh report): its position alone when it may quote a Secret.</summary>
    public Diagnostic Redacted() => MayQuoteSecret ? this with { Message = SecretMessage, MayQuoteSecret = false } : this;

    /// <summary>One line whatever the definition held: a control character a message quotes
    /// from it (a line break in a host name, a NUL in a path) is written as an escape.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(IsError ? "error" : "warning")}: {Core.Text.OneLine.Of(Message)}";
}

namespace PodUnits.Definitions;

/// <summary>What loading one definition file gave: the pod when it has no errors, and every
/// diagnostic (errors and warnings) sorted by position.</summary>
public sealed record LoadResult(PodDefinition? Pod, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Pod is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    /// <summary>The warnings as a start or a reload logs them, where others read (the journal,
    /// a unit's status): FILE:LINE:COLUMN: MESSAGE, redacted where it may quote a Secret's value
    /// (a broken Secret file's error is such a warning on reload).</summary>
    public IEnumerable<string> WarningLines => Warnings.Select(w => w.Redacted()).Select(w => $"{w.File}:{w.Line}:{w.Column}: {w.Message}");

    /// <summary>The pod, or a <see cref="PodDefinitionException"/> (exit 2) naming the first error.</summary>
    public PodDefinition GetPodOrThrow() => Pod ?? throw new PodDefinitionException(Diagnostics);
}

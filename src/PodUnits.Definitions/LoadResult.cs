namespace PodUnits.Definitions;

/// <summary>What loading one definition file gave: the pod when it has no errors, and every
/// diagnostic (errors and warnings) sorted by position.</summary>
public sealed record LoadResult(PodDefinition? Pod, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Pod is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    /// <summary>The pod, or a <see cref="PodDefinitionException"/> (exit 2) naming the first error.</summary>
    public PodDefinition GetPodOrThrow() => Pod ?? throw new PodDefinitionException(Diagnostics);
}

using PodUnits.Core.Errors;

namespace PodUnits.Definitions;

/// <summary>A definition file has errors (exit 2). The CLI prints it as
/// <c>podunits: FILE:LINE:COL: MESSAGE</c>; all diagnostics are kept for callers that list them.</summary>
public sealed class PodDefinitionException : PodUnitsException
{
    public PodDefinitionException(IReadOnlyList<Diagnostic> diagnostics)
        : base(Where(diagnostics), Reason(diagnostics), ExitCodes.BadInput)
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Every error says a referenced ConfigMap, Secret or key does not exist (yet):
    /// a start fails on it as a runtime failure, which Restart= and the start back-off retry,
    /// as the kubelet retries CreateContainerConfigError (Stage0).</summary>
    public bool OnlyMissingReferences => Diagnostics.Where(d => d.IsError).All(d => d.IsMissingReference) && Diagnostics.Any(d => d.IsError);

    /// <summary>The first error, as the one line every failed start and reload shows:
    /// redacted where it may quote a Secret (the line reaches the journal and the unit's status).</summary>
    private static Diagnostic First(IReadOnlyList<Diagnostic> diagnostics) =>
        diagnostics.FirstOrDefault(d => d.IsError)?.Redacted() ?? new Diagnostic(Severity.Error, "definition", 1, 1, "invalid");

    private static string Where(IReadOnlyList<Diagnostic> diagnostics)
    {
        Diagnostic d = First(diagnostics);
        return $"{d.File}:{d.Line}:{d.Column}";
    }

    private static string Reason(IReadOnlyList<Diagnostic> diagnostics)
    {
        int more = diagnostics.Count(d => d.IsError) - 1;
        string message = First(diagnostics).Message;
        return more > 0 ? $"{message} (and {more} more error{(more == 1 ? "" : "s")}; see 'podunits validate')" : message;
    }

    public PodDefinitionException() : this([]) { }

    public PodDefinitionException(string message) : base("definition", message, ExitCodes.BadInput) => Diagnostics = [];

    public PodDefinitionException(string message, Exception innerException)
        : base("definition", message, ExitCodes.BadInput, innerException) => Diagnostics = [];
}

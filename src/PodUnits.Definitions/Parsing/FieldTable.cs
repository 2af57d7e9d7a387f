namespace PodUnits.Definitions.Parsing;

/// <summary>What PodUnits does with a field Kubernetes defines (docs/design.md field policy).</summary>
internal enum FieldPolicy
{
    /// <summary>Implemented: mapped into the model.</summary>
    Supported,

    /// <summary>Only matters to a cluster (scheduler, API server bookkeeping): a warning.</summary>
    Ignored,

    /// <summary>Would change what the container does, not implemented: an error.</summary>
    NotSupported,
}

internal sealed record FieldRule(FieldPolicy Policy, string? Note);

/// <summary>The fields one Kubernetes object type has, each with its policy. Any key not in
/// the table is a typo (an error, with the closest known name suggested).</summary>
internal sealed class FieldTable
{
    private readonly Dictionary<string, FieldRule> rules = new(StringComparer.Ordinal);

    public FieldTable(string[] supported, (string Name, string Why)[]? ignored = null, string[]? notSupported = null, string? notSupportedNote = null)
    {
        foreach (string name in supported)
        {
            rules.Add(name, new FieldRule(FieldPolicy.Supported, null));
        }
        foreach ((string name, string why) in ignored ?? [])
        {
            rules.Add(name, new FieldRule(FieldPolicy.Ignored, why));
        }
        foreach (string name in notSupported ?? [])
        {
            rules.Add(name, new FieldRule(FieldPolicy.NotSupported, notSupportedNote));
        }
    }

    public IEnumerable<string> Names => rules.Keys;

    public FieldRule? Find(string name) => rules.GetValueOrDefault(name);
}

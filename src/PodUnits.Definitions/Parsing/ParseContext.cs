using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>Collects the diagnostics of one file; every mapper reports through it so that all
/// problems of a file come out in one run.</summary>
internal sealed class ParseContext(string file, Host.HostChecks? hostChecks = null)
{
    private readonly List<Diagnostic> diagnostics = [];

    public string File { get; } = file;

    /// <summary>What to check against this host as well (<see cref="LoadOptions.HostChecks"/>).</summary>
    public Host.HostChecks? HostChecks { get; } = hostChecks;

    public bool HasErrors => ErrorCount > 0;

    /// <summary>Errors so far; comparing two counts tells whether one part of a file had any.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>An error at <paramref name="at"/>. A null node (a `Value(...)!` of a field
    /// written as null) is a mapper's slip, and it threw NullReferenceException past the
    /// loader: `podunits validate` said "internal error", exit 1, no position, and a start
    /// was retried for ever (definitions review of 2026-12-07, finding 1). It is still an
    /// error of the file, at its start, with the file's other diagnostics kept.</summary>
    public void Error(YNode? at, string message) => Error(at?.Line ?? 1, at?.Column ?? 1, message);

    public void Error(int line, int column, string message, bool missingReference = false)
    {
        diagnostics.Add(new Diagnostic(Severity.Error, File, line, column, message) { IsMissingReference = missingReference });
        ErrorCount++;
    }

    /// <summary>A warning at <paramref name="at"/>; a null node, as for <see cref="Error(YNode?, string)"/>, at the file's start.</summary>
    public void Warning(YNode? at, string message) =>
        diagnostics.Add(new Diagnostic(Severity.Warning, File, at?.Line ?? 1, at?.Column ?? 1, message));

    /// <summary><see cref="LoadOptions.EnvReferencesAreWarnings"/>.</summary>
    public bool EnvReferencesAreWarnings { get; init; }

    /// <summary><see cref="LoadOptions.MissingObjectsAreWarnings"/>.</summary>
    public bool MissingObjectsAreWarnings { get; init; }

    /// <summary>A ConfigMap, Secret or key the pod references cannot be found (<paramref name="missing"/>),
    /// or is unusable: an error, or for the generator a warning that a start fails on it while
    /// it is missing.</summary>
    public void ObjectReferenceProblem(YNode at, string message, bool missing = false)
    {
        if (MissingObjectsAreWarnings)
        {
            Warning(at, $"{message} (a start fails on this while it is missing)");
        }
        else
        {
            Error(at.Line, at.Column, message, missing);
        }
    }

    /// <summary>A ConfigMap, Secret or key an environment variable names cannot be found: an
    /// error, or for a reload a warning that the next start will fail on it.</summary>
    public void EnvReferenceProblem(YNode at, string message, bool missing = false)
    {
        if (MissingObjectsAreWarnings)
        {
            ObjectReferenceProblem(at, message, missing);
        }
        else if (EnvReferencesAreWarnings)
        {
            Warning(at, $"{message} (the environment is not reloaded; the next start fails on this)");
        }
        else
        {
            Error(at.Line, at.Column, message, missing);
        }
    }

    /// <summary>Sorted by position; stable, so findings at one node keep their order. One key,
    /// not OrderBy(...).ThenBy(...): ThenBy is a generic virtual call, which NativeAOT looks up
    /// at run time at every pod start (docs/process-model.md, "What a NativeAOT process pays").</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        [.. diagnostics.OrderBy(d => (d.Line, d.Column))];

    /// <summary>Checks the keys of <paramref name="node"/> against <paramref name="table"/>
    /// (unknown, ignored, not supported, duplicate) and returns the supported ones. Null when
    /// the node is YAML null (the field counts as absent) or not a mapping (reported).</summary>
    public Fields? Object(YNode node, string path, FieldTable table)
    {
        if (node is YScalar { IsNull: true })
        {
            return null;
        }
        if (node is not YMapping map)
        {
            Error(node, $"{(path.Length == 0 ? "the manifest" : path)}: must be a mapping, found {Describe(node)}");
            return null;
        }
        var fields = new Fields(this, path, map);
        string where = path.Length == 0 ? "the top level" : path;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((YNode keyNode, YNode value) in map.Entries)
        {
            if (keyNode is not YScalar { IsNull: false } key)
            {
                Error(keyNode, $"{where}: field names must be plain strings, found {Describe(keyNode)}");
                continue;
            }
            string name = key.Value;
            if (!seen.Add(name))
            {
                Error(key, $"duplicate field \"{name}\" in {where}");
                continue;
            }
            FieldRule? rule = table.Find(name);
            if (rule is null)
            {
                Error(key, $"unknown field \"{name}\" in {where}{Suggest.Hint(name, table.Names)}");
                continue;
            }
            switch (rule.Policy)
            {
                case FieldPolicy.Ignored:
                    Warning(key, $"field \"{name}\" in {where} is ignored: {rule.Note}");
                    fields.AddIgnored(name, value);
                    break;
                case FieldPolicy.NotSupported:
                    Error(key, $"field \"{name}\" in {where} is not supported yet{(rule.Note is null ? "" : " " + rule.Note)}");
                    break;
                default:
                    fields.Add(name, key, value);
                    break;
            }
        }
        return fields;
    }

    /// <summary>The items of a list field; null (absent) for YAML null, reported when not a list.</summary>
    public IReadOnlyList<YNode>? List(YNode node, string path)
    {
        if (node is YScalar { IsNull: true })
        {
            return null;
        }
        if (node is not YSequence seq)
        {
            Error(node, $"{path}: must be a list, found {Describe(node)}");
            return null;
        }
        return seq.Items;
    }

    public static string Describe(YNode node) => node switch
    {
        YScalar { IsNull: true } => "null",
        YScalar { IsPlain: false } s => $"the string \"{Shorten(s.Value)}\"",
        YScalar s => $"\"{Shorten(s.Value)}\"",
        _ => node.KindName,
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}

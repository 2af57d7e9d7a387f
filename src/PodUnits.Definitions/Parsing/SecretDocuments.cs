using System.Text.RegularExpressions;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// Marks the diagnostics that may quote a Secret's value (<see cref="Diagnostic.MayQuoteSecret"/>):
/// every one of a standalone Secret file, and those of a pod file that fall within a Secret
/// document of it. The documents are told apart on the text, split at its "---" lines, as
/// well as on the parsed tree: a YAML error ends the parse (an unquoted password that YAML
/// reads as an alias), and the document it stopped in is still a Secret's when its text
/// says `kind: Secret` on any line, in any style.
/// </summary>
internal static partial class SecretDocuments
{
    public static IReadOnlyList<Diagnostic> Mark(IReadOnlyList<Diagnostic> diagnostics, string path, string text, IReadOnlyList<YNode> documents)
    {
        List<(int First, int Last)>? secrets = null;
        var marked = new List<Diagnostic>(diagnostics.Count);
        foreach (Diagnostic d in diagnostics)
        {
            bool inSecret = d.File == path
                ? (secrets ??= Ranges(text, documents)).Exists(r => d.Line >= r.First && d.Line <= r.Last)
                : ConfigObject.IsSecretFile(d.File);
            marked.Add(inSecret && !SaysNoContent(d.Message) ? d with { MayQuoteSecret = true } : d);
        }
        return marked;
    }

    /// <summary>A message about the file as a whole, which quotes nothing of its content: it
    /// cannot be read (the OS's reason) or decrypted (systemd-creds' reason).</summary>
    internal static bool SaysNoContent(string message) =>
        message.StartsWith("cannot be decrypted: ", StringComparison.Ordinal) || message.StartsWith("cannot be read: ", StringComparison.Ordinal);

    /// <summary>The line ranges (1-based, inclusive) of the Secret documents of <paramref name="text"/>.</summary>
    internal static List<(int First, int Last)> Ranges(string text, IReadOnlyList<YNode> documents)
    {
        // Numbered as the parser numbers the diagnostics' lines. Split at '\n' alone, a file
        // with CR line endings was one line, its `kind: Secret` never matched, and an error
        // quoting a password went unredacted into the journal; a U+2028 or NEL shifted the
        // ranges a line (definitions review of 2026-12-07, finding 8).
        string[] lines = YamlText.Lines(text);
        var ranges = new List<(int First, int Last)>();
        int first = 1;
        for (int i = 1; i <= lines.Length + 1; i++)
        {
            bool end = i > lines.Length || (i > first && DocumentStart().IsMatch(lines[i - 1]));
            if (!end)
            {
                continue;
            }
            int last = i - 1;
            bool secret = lines[(first - 1)..last].Any(l => SecretKind().IsMatch(l))
                || documents.Any(doc => doc.Line >= first && doc.Line <= last && ConfigObjectCatalog.DocumentKind(doc) == "Secret");
            if (secret)
            {
                ranges.Add((first, last));
            }
            first = i;
        }
        return ranges;
    }

    [GeneratedRegex(@"^---(\s|$)")]
    private static partial Regex DocumentStart();

    /// <summary>`kind: Secret` anywhere on a line, in block, flow or JSON form: a line that is
    /// exactly `kind: Secret` missed `{apiVersion: v1, kind: Secret, ...}` and `  "kind":
    /// "Secret",`, and an unquoted `*password` in them went to the status line (config review
    /// of 2026-12-07, finding 2). Matching more only hides a message; validate shows it.</summary>
    [GeneratedRegex(@"(^|[{,\s])[""']?kind[""']?\s*:\s*[""']?Secret[""']?\s*([,}#]|\r?$)")]
    private static partial Regex SecretKind();
}

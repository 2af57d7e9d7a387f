using PodUnits.Definitions.Parsing;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Host;

/// <summary>Reads podunits.yaml with the definitions' own YAML reader and field checks, so its
/// errors look like a definition's: FILE:LINE:COLUMN, unknown keys with a suggestion.</summary>
internal static class HostSettingsReader
{
    /// <summary>The keys of podunits.yaml. userNamespaces (issue 20's host-wide default for
    /// hostUsers) is reserved: refused as "not supported yet" rather than as a typo.</summary>
    private static readonly FieldTable Keys = new(["allowedUnsafeSysctls"], null, ["userNamespaces"]);

    private const long MaxBytes = 1024 * 1024;

    public static HostSettings Read(string text, string path)
    {
        var ctx = new ParseContext(path);
        if (text.Length > MaxBytes)
        {
            ctx.Error(1, 1, $"is too large for a settings file ({text.Length} characters; at most {MaxBytes})");
            return Result(ctx, path, []);
        }
        IReadOnlyList<YNode> documents = YamlTreeReader.ReadAll(text, out IReadOnlyList<YamlProblem> problems, emptyIsValid: true);
        foreach (YamlProblem p in problems)
        {
            ctx.Error(p.Line, p.Column, p.Message);
        }
        if (documents.Count > 1)
        {
            ctx.Error(documents[1], "a second YAML document; podunits.yaml holds one mapping of settings");
        }
        if (documents.Count == 0 || ctx.Object(documents[0], "", Keys) is not Fields top)
        {
            return Result(ctx, path, []);
        }
        return Result(ctx, path, AllowedUnsafeSysctls(top, ctx));
    }

    private static HostSettings Result(ParseContext ctx, string path, List<string> allowed) =>
        new() { Source = path, AllowedUnsafeSysctls = allowed, Diagnostics = ctx.Sorted() };

    /// <summary>As the kubelet checks --allowed-unsafe-sysctls: each entry a sysctl name or a
    /// prefix ending in '*', either separator, and known to be namespaced (a pattern that
    /// could match a host-wide sysctl is refused, not narrowed).</summary>
    private static List<string> AllowedUnsafeSysctls(Fields top, ParseContext ctx)
    {
        var result = new List<string>();
        List<string>? patterns = top.StringList("allowedUnsafeSysctls");
        if (patterns is null)
        {
            return result;
        }
        var items = ((YSequence)top.Value("allowedUnsafeSysctls")!).Items;
        for (int i = 0; i < patterns.Count && i < items.Count; i++)
        {
            string pattern = SysctlNames.Normalize(patterns[i]);
            bool prefix = pattern.EndsWith('*');
            string stem = prefix ? pattern[..^1] : pattern;
            // A prefix ends anywhere in a name ("kernel.msg*", "net.*"): it is valid when some
            // name can follow it, which one more letter tests. A lone "*" is valid syntax and
            // refused below: it would allow host-wide sysctls too.
            bool valid = prefix ? stem.Length == 0 || SysctlNames.Explain(stem + "x") is null : SysctlNames.Explain(stem) is null;
            if (!valid)
            {
                ctx.Error(items[i], $"allowedUnsafeSysctls[{i}]: \"{patterns[i]}\" is not a sysctl name or a prefix ending in '*' " +
                    "(e.g. net.core.somaxconn, kernel.msg*)");
            }
            else if (SysctlNames.NamespaceOf(stem) == SysctlNamespace.None)
            {
                ctx.Error(items[i], $"allowedUnsafeSysctls[{i}]: \"{patterns[i]}\" is not known to be namespaced " +
                    "(only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): a pod setting it would change the host");
            }
            else
            {
                result.Add(pattern);
            }
        }
        return result;
    }
}

using PodUnits.Definitions.Parsing;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions;

/// <summary>
/// Reads a pod definition file into a validated <see cref="PodDefinition"/>. Never throws for
/// bad input: every problem (unreadable file, YAML syntax, unknown or unsupported fields,
/// wrong values) is a <see cref="Diagnostic"/>, and all of a file's problems come out in one
/// run, sorted by position.
/// </summary>
public static class PodDefinitionLoader
{
    public static LoadResult LoadFile(string path, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail(path, Directory.Exists(path) ? "is a directory, not a pod definition file" : "no such file");
            }
            if (info.Length > options.MaxFileBytes)
            {
                return Fail(path, $"is too large for a pod definition ({info.Length} bytes; at most {options.MaxFileBytes})");
            }
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"cannot be read: {e.Message}");
        }
        return LoadText(text, path, options);
    }

    /// <summary>Parses <paramref name="text"/> as if it were the file <paramref name="path"/>
    /// (the file name gives the pod name).</summary>
    public static LoadResult LoadText(string text, string path, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        var ctx = new ParseContext(path);
        if (text.Length > options.MaxFileBytes)
        {
            return Fail(path, $"is too large for a pod definition ({text.Length} characters; at most {options.MaxFileBytes})");
        }
        YNode? root = YamlTreeReader.Read(text, out IReadOnlyList<YamlProblem> problems);
        foreach (YamlProblem p in problems)
        {
            ctx.Error(p.Line, p.Column, p.Message);
        }
        PodDefinition? pod = root is null ? null : PodMapper.Map(root, ctx, path, PodNameFromPath(path), options);
        return new LoadResult(ctx.HasErrors ? null : pod, ctx.Sorted());
    }

    /// <summary>The pod name a file stands for: its name without .yaml or .yml.</summary>
    public static string PodNameFromPath(string path)
    {
        string file = Path.GetFileName(path);
        foreach (string ext in PodDefinitionSearchPath.Extensions)
        {
            if (file.EndsWith(ext, StringComparison.Ordinal) && file.Length > ext.Length)
            {
                return file[..^ext.Length];
            }
        }
        return file;
    }

    private static LoadResult Fail(string path, string why) =>
        new(null, [new Diagnostic(Severity.Error, path, 1, 1, why)]);
}

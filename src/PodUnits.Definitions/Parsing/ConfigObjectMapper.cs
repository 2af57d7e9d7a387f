using System.Text;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// Maps a ConfigMap or Secret document (v1, as the API server validates them): data and
/// binaryData, or data (base64) and stringData, each key checked, a key in both halves
/// refused. stringData wins over data for the same key, as the API server merges them.
/// </summary>
internal static class ConfigObjectMapper
{
    public static ConfigObjectKind? KindOf(string kind) => kind switch
    {
        "ConfigMap" => ConfigObjectKind.ConfigMap,
        "Secret" => ConfigObjectKind.Secret,
        _ => null,
    };

    /// <summary>The object, or null with the problems in <paramref name="ctx"/>.
    /// <paramref name="nameFromFile"/>: a standalone file's name, which metadata.name must equal.</summary>
    public static ConfigObject? Map(YNode root, ConfigObjectKind kind, ParseContext ctx, string? nameFromFile)
    {
        bool secret = kind == ConfigObjectKind.Secret;
        int errorsBefore = ctx.ErrorCount;
        if (ctx.Object(root, "", secret ? KubernetesFields.Secret : KubernetesFields.ConfigMap) is not Fields top)
        {
            return null;
        }
        string? apiVersion = top.RequiredString("apiVersion");
        if (apiVersion is not null && apiVersion != "v1")
        {
            ctx.Error(top.Value("apiVersion")!, $"apiVersion: must be \"v1\" for a {kind}, found \"{apiVersion}\"");
        }
        string? name = null;
        if (top.Value("metadata") is YNode m && ctx.Object(m, "metadata", KubernetesFields.Metadata) is Fields metadata)
        {
            name = metadata.RequiredString("name");
            if (name is not null && Names.ExplainObjectName(name) is string why)
            {
                ctx.Error(metadata.Value("name")!, $"metadata.name: \"{name}\" is not a valid {kind} name: {why}");
                name = null;
            }
            else if (name is not null && nameFromFile is not null && name != nameFromFile)
            {
                ctx.Error(metadata.Value("name")!, $"metadata.name: \"{name}\" must equal the file name \"{nameFromFile}\"; " +
                    $"pods find {kind} \"{name}\" in {name}.yaml");
                name = null;
            }
        }
        else
        {
            top.Missing("metadata");
        }
        top.Boolean("immutable");
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        HashSet<string>? binary = null;
        if (secret)
        {
            top.String("type"); // any type: Opaque, kubernetes.io/tls... the keys are what pods use
            Add(top, "data", base64: true, data, ctx);
            Add(top, "stringData", base64: false, data, ctx, overrides: true);
        }
        else
        {
            Add(top, "data", base64: false, data, ctx);
            var text = new HashSet<string>(data.Keys, StringComparer.Ordinal);
            Add(top, "binaryData", base64: true, data, ctx);
            binary = [.. data.Keys.Where(k => !text.Contains(k))];
        }
        return name is null || ctx.ErrorCount > errorsBefore ? null
            : new ConfigObject(kind, name, data, $"{ctx.File}:{root.Line}", BinaryKeys: binary is { Count: > 0 } ? binary : null);
    }

    private static void Add(Fields top, string field, bool base64, Dictionary<string, byte[]> data, ParseContext ctx, bool overrides = false)
    {
        if (top.Value(field) is YScalar { IsNull: true } || top.StringMap(field) is not { } map)
        {
            return;
        }
        var keys = (YMapping)top.Value(field)!;
        foreach ((string key, string value) in map)
        {
            YNode at = keys.Entries.First(e => e.Key is YScalar s && s.Value == key).Key;
            if (Names.ExplainObjectKey(key) is string why)
            {
                ctx.Error(at, $"{top.PathOf(field)}: key \"{key}\" is not valid: {why}");
                continue;
            }
            byte[] bytes;
            if (base64)
            {
                try
                {
                    bytes = Convert.FromBase64String(value);
                }
                catch (FormatException)
                {
                    ctx.Error(at, $"{top.PathOf(field)}.{key}: not valid base64 (a Secret's data holds base64; use stringData for plain text)");
                    continue;
                }
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes(value);
            }
            if (data.ContainsKey(key) && !overrides)
            {
                ctx.Error(at, $"{top.PathOf(field)}: key \"{key}\" is also in data; a key may be in only one of them");
                continue;
            }
            data[key] = bytes;
        }
    }
}

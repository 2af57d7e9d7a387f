using System.Text.Json;
using System.Text.Json.Nodes;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// A network configuration list (.conflist, CNI specification 1.0 "Configuration format"):
/// a named network and the chain of plugins that build it. Parsed strictly enough that a
/// plugin is never run from a configuration that would make it fail in a confusing way:
/// a name, a cniVersion PodUnits speaks, and plugins whose type is a file name.
/// </summary>
public sealed class CniConfigList
{
    /// <summary>The result versions PodUnits reads: interfaces and ips appeared in 0.3.0.</summary>
    public static readonly string[] SupportedVersions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0"];

    private CniConfigList(string path, string text, string name, string cniVersion, bool disableCheck, IReadOnlyList<JsonObject> plugins)
    {
        Path = path;
        Text = text;
        Name = name;
        CniVersion = cniVersion;
        DisableCheck = disableCheck;
        Plugins = plugins;
    }

    /// <summary>The file it was read from, for messages.</summary>
    public string Path { get; }
    /// <summary>The file's text as read: kept in the plan and the result cache, so DEL runs
    /// with the configuration ADD ran with even if the file changed since.</summary>
    public string Text { get; }
    public string Name { get; }
    public string CniVersion { get; }
    public bool DisableCheck { get; }
    public IReadOnlyList<JsonObject> Plugins { get; }

    /// <summary>Each plugin's type: the executable looked up in the plugin directories.</summary>
    public IEnumerable<string> PluginTypes => Plugins.Select(p => (string)p["type"]!);

    /// <summary>Whether a plugin of the list declares <paramref name="capability"/> (for
    /// example portMappings): only such a plugin gets the runtime's values for it.</summary>
    public bool Declares(string capability) =>
        Plugins.Any(p => p["capabilities"] is JsonObject declared && declared[capability] is JsonValue v && v.TryGetValue(out bool on) && on);

    public static CniConfigList Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException(path, $"cannot read the network configuration: {e.Message}");
        }
        return Parse(path, text);
    }

    /// <summary>Parses <paramref name="text"/>; errors name <paramref name="path"/> (with
    /// line:column for JSON syntax) and exit with status 2.</summary>
    public static CniConfigList Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return ParseChecked(path, text);
        }
        catch (ArgumentException e)
        {
            // System.Text.Json finds a repeated key only when the object is first read.
            throw new BadInputException(path, $"a key appears twice in one object: {e.Message}");
        }
    }

    private static CniConfigList ParseChecked(string path, string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = Column(text, e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            throw new BadInputException($"{path}:{line}:{column}", $"not valid JSON: {JsonErrors.Describe(e)}");
        }
        if (root is not JsonObject list)
        {
            throw new BadInputException(path, "a network configuration list must be a JSON object");
        }
        string name = RequiredString(list, "name", path);
        if (NetworkNames.Explain(name) is string why)
        {
            throw new BadInputException(path, $"name \"{name}\" is not a valid network name: {why}");
        }
        string version = RequiredString(list, "cniVersion", path);
        if (!SupportedVersions.Contains(version))
        {
            throw new BadInputException(path, $"cniVersion \"{version}\" is not supported (PodUnits speaks {string.Join(", ", SupportedVersions)})");
        }
        bool disableCheck = list["disableCheck"] is JsonValue d && d.TryGetValue(out bool b) && b;
        if (list["plugins"] is not JsonArray { Count: > 0 } array)
        {
            throw new BadInputException(path, "plugins: must be a list of at least one plugin configuration");
        }
        var plugins = new List<JsonObject>();
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject plugin)
            {
                throw new BadInputException(path, $"plugins[{i}]: must be an object");
            }
            string type = RequiredString(plugin, "type", $"{path}: plugins[{i}]");
            if (type.Length == 0 || type.Contains('/', StringComparison.Ordinal) || type is "." or "..")
            {
                throw new BadInputException(path, $"plugins[{i}].type: \"{type}\" is not a plugin name (a file name in the plugin directories)");
            }
            plugins.Add(plugin);
        }
        return new CniConfigList(path, text, name, version, disableCheck, plugins);
    }

    /// <summary>The configuration one plugin gets on stdin (specification: "Deriving execution
    /// configuration from plugin configuration"): its own object with the list's name and
    /// cniVersion, the runtime's values for the capabilities it declares, and the previous
    /// result.</summary>
    public JsonObject PluginConfig(int index, IReadOnlyDictionary<string, JsonNode> capabilityArgs, JsonNode? prevResult)
    {
        ArgumentNullException.ThrowIfNull(capabilityArgs);
        var config = (JsonObject)Plugins[index].DeepClone();
        config["name"] = Name;
        config["cniVersion"] = CniVersion;
        if (config["capabilities"] is JsonObject declared)
        {
            var runtime = new JsonObject();
            foreach ((string capability, JsonNode? enabled) in declared)
            {
                if (enabled is JsonValue v && v.TryGetValue(out bool on) && on && capabilityArgs.TryGetValue(capability, out JsonNode? value))
                {
                    runtime[capability] = value.DeepClone();
                }
            }
            if (runtime.Count > 0)
            {
                config["runtimeConfig"] = runtime;
            }
        }
        if (prevResult is not null)
        {
            config["prevResult"] = prevResult.DeepClone();
        }
        return config;
    }

    /// <summary>The 1-based character column of a byte offset in a line (JsonException counts bytes).</summary>
    private static long Column(string text, long line, long bytes)
    {
        string[] lines = text.Split('\n');
        if (line >= lines.Length)
        {
            return bytes + 1;
        }
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(lines[line]);
        return System.Text.Encoding.UTF8.GetCharCount(utf8, 0, (int)Math.Min(bytes, utf8.Length)) + 1;
    }

    private static string RequiredString(JsonObject o, string key, string where) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s)
            ? s
            : throw new BadInputException(where, $"{key}: a string is required");
}

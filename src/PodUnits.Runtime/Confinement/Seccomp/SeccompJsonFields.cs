using System.Text.Json;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// Lists the fields of a profile document that PodUnits does not know, with where they are
/// ("syscalls[3].includes"), so a misspelt "excludes" is an error rather than a rule silently
/// applied everywhere. Done on the DOM because the serializer's own messages name .NET types.
/// </summary>
internal static class SeccompJsonFields
{
    private static readonly string[] Profile =
        ["defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "listenerPath", "listenerMetadata", "syscalls"];
    private static readonly string[] ArchMapEntry = ["architecture", "subArchitectures"];
    private static readonly string[] Syscall = ["names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes"];
    private static readonly string[] Argument = ["index", "value", "valueTwo", "op"];
    private static readonly string[] Condition = ["caps", "arches", "minKernel"];

    public static IEnumerable<string> Unknown(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            yield return "the profile must be a JSON object";
            yield break;
        }
        foreach (string e in Check(root, "", Profile)) yield return e;
        foreach ((JsonElement entry, string at) in Items(root, "archMap"))
        {
            foreach (string e in Check(entry, at, ArchMapEntry)) yield return e;
        }
        foreach ((JsonElement rule, string at) in Items(root, "syscalls"))
        {
            foreach (string e in Check(rule, at, Syscall)) yield return e;
            foreach ((JsonElement arg, string argAt) in Items(rule, "args", at))
            {
                foreach (string e in Check(arg, argAt, Argument)) yield return e;
            }
            foreach (string part in (string[])["includes", "excludes"])
            {
                if (Field(rule, part) is { ValueKind: JsonValueKind.Object } condition)
                {
                    foreach (string e in Check(condition, $"{at}.{part}", Condition)) yield return e;
                }
            }
        }
    }

    private static IEnumerable<string> Check(JsonElement obj, string at, string[] known)
    {
        if (obj.ValueKind != JsonValueKind.Object) yield break; // the serializer reports the type
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (!known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
            {
                yield return at.Length == 0 ? $"unknown field \"{p.Name}\"" : $"{at}: unknown field \"{p.Name}\"";
            }
        }
    }

    private static IEnumerable<(JsonElement, string)> Items(JsonElement obj, string name, string parent = "")
    {
        if (obj.ValueKind != JsonValueKind.Object || Field(obj, name) is not { ValueKind: JsonValueKind.Array } array) yield break;
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            yield return (item, parent.Length == 0 ? $"{name}[{i}]" : $"{parent}.{name}[{i}]");
            i++;
        }
    }

    private static JsonElement? Field(JsonElement obj, string name)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }
        return null;
    }
}

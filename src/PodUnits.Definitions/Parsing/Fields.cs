using System.Globalization;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>The supported fields of one mapping, with typed getters that report wrong types
/// at the value's position and return null (absent) so mapping goes on.</summary>
internal sealed class Fields(ParseContext context, string path, YMapping node)
{
    private readonly Dictionary<string, (YScalar Key, YNode Value)> supported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, YNode> ignored = new(StringComparer.Ordinal);

    public ParseContext Context { get; } = context;
    public string Path { get; } = path;
    public YMapping Node { get; } = node;

    internal void Add(string name, YScalar key, YNode value) => supported[name] = (key, value);

    internal void AddIgnored(string name, YNode value) => ignored[name] = value;

    public string PathOf(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>The value node, or null when absent or YAML null.</summary>
    public YNode? Value(string name) =>
        supported.TryGetValue(name, out var f) && f.Value is not YScalar { IsNull: true } ? f.Value : null;

    public YNode? Ignored(string name) => ignored.GetValueOrDefault(name);

    /// <summary>The key node of a supported field, for errors about the field as such (its
    /// value may be null); null when absent.</summary>
    public YScalar? Key(string name) => supported.TryGetValue(name, out var f) ? f.Key : null;

    /// <summary>The mapping field <paramref name="name"/> checked against <paramref name="table"/>, or null.</summary>
    public Fields? Child(string name, FieldTable table) =>
        Value(name) is YNode value ? Context.Object(value, PathOf(name), table) : null;

    /// <summary>Whether the field is set: written with a value other than YAML null. Every
    /// one-of and presence decision asks this, never whether the key is written: Kubernetes
    /// reads `x:`, `x: ~` and `x: null` as absent, and a decision on the key alone, followed
    /// by <see cref="Value"/> or <see cref="Child"/> finding nothing, crashed the loader, let
    /// a pod without containers through, or dropped a variable without a word (definitions
    /// review of 2026-12-07, findings 1, 2 and 6). Where a written null matters (an error
    /// worth giving), <see cref="Key"/> says it is written.</summary>
    public bool Present(string name) => Value(name) is not null;

    public void Missing(string name) =>
        Context.Error(Node, $"{(Path.Length == 0 ? "the manifest" : Path)}: missing required field \"{name}\"");

    /// <summary>A string. Plain scalars count too (80 is "80"), as podman's decoder accepts them.</summary>
    public string? String(string name)
    {
        if (Value(name) is not YNode value)
        {
            return null;
        }
        if (value is YScalar s)
        {
            return s.Value;
        }
        Context.Error(value, $"{PathOf(name)}: must be a string, found {ParseContext.Describe(value)}");
        return null;
    }

    public string? RequiredString(string name)
    {
        string? s = String(name);
        if (s is null && Value(name) is null)
        {
            Missing(name);
        }
        return s;
    }

    public long? Integer(string name, long min, long max)
    {
        if (Value(name) is not YNode value)
        {
            return null;
        }
        if (value is not YScalar { IsPlain: true } s || !TryParseInteger(s.Value, out long n))
        {
            Context.Error(value, $"{PathOf(name)}: must be an integer, found {ParseContext.Describe(value)}");
            return null;
        }
        if (n < min || n > max)
        {
            Context.Error(value, $"{PathOf(name)}: must be between {min} and {max}, found {n}");
            return null;
        }
        WarnIfOctal(s, PathOf(name), n);
        return n;
    }

    /// <summary>A file mode (defaultMode, mode): 0 to 0777. A plain number with a leading 0
    /// is octal, as Kubernetes' YAML 1.1 decoder reads 0644; 0o644 and decimal (420) work too.</summary>
    public int? Mode(string name)
    {
        if (Value(name) is not YNode value)
        {
            return null;
        }
        long mode = -1;
        if (value is YScalar { IsPlain: true } s)
        {
            if (s.Value.Length > 1 && s.Value[0] == '0' && s.Value.All(c => c is >= '0' and <= '7'))
            {
                // More than 21 octal digits overflow a long; any of them is out of range anyway.
                mode = s.Value.TrimStart('0').Length <= 12 ? Convert.ToInt64(s.Value, 8) : long.MaxValue;
            }
            else if (!TryParseInteger(s.Value, out mode))
            {
                mode = -1;
            }
        }
        if (mode is < 0 or > 511)
        {
            Context.Error(value, $"{PathOf(name)}: must be a file mode from 0 to 0777 (octal, e.g. 0644, or decimal, e.g. 420), found {ParseContext.Describe(value)}");
            return null;
        }
        return (int)mode;
    }

    public bool? Boolean(string name)
    {
        if (Value(name) is not YNode value)
        {
            return null;
        }
        // YAML 1.1 booleans, as Kubernetes' YAML decoder (go-yaml v2) reads them.
        if (value is YScalar { IsPlain: true } s)
        {
            switch (s.Value)
            {
                case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                    return true;
                case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                    return false;
            }
        }
        Context.Error(value, $"{PathOf(name)}: must be true or false, found {ParseContext.Describe(value)}");
        return null;
    }

    /// <summary>A list of integers, each between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public List<long>? IntegerList(string name, long min, long max)
    {
        if (Value(name) is not YNode value || Context.List(value, PathOf(name)) is not { } items)
        {
            return null;
        }
        var result = new List<long>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not YScalar { IsPlain: true } s || !TryParseInteger(s.Value, out long n))
            {
                Context.Error(items[i], $"{PathOf(name)}[{i}]: must be an integer, found {ParseContext.Describe(items[i])}");
            }
            else if (n < min || n > max)
            {
                Context.Error(items[i], $"{PathOf(name)}[{i}]: must be between {min} and {max}, found {n}");
            }
            else
            {
                WarnIfOctal(s, $"{PathOf(name)}[{i}]", n);
                result.Add(n);
            }
        }
        return result;
    }

    public List<string>? StringList(string name)
    {
        if (Value(name) is not YNode value || Context.List(value, PathOf(name)) is not { } items)
        {
            return null;
        }
        var result = new List<string>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is YScalar { IsNull: false } s)
            {
                result.Add(s.Value);
            }
            else
            {
                Context.Error(items[i], $"{PathOf(name)}[{i}]: must be a string, found {ParseContext.Describe(items[i])}");
            }
        }
        return result;
    }

    /// <summary>The items of the list field <paramref name="name"/> that <see cref="StringList"/>
    /// takes, each with its index, so that an error about one is at its place and names it
    /// (`nameservers[2]`), not at the list (definitions review of 2026-12-07, finding 10).</summary>
    public IEnumerable<(int Index, YScalar Item)> StringItems(string name) =>
        Value(name) is YSequence list
            ? list.Items.Select((item, i) => (Index: i, Item: item as YScalar)).Where(x => x.Item is { IsNull: false }).Select(x => (x.Index, x.Item!))
            : [];

    public Dictionary<string, string>? StringMap(string name)
    {
        if (Value(name) is not YNode value)
        {
            return null;
        }
        if (value is not YMapping map)
        {
            Context.Error(value, $"{PathOf(name)}: must be a mapping, found {ParseContext.Describe(value)}");
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((YNode k, YNode v) in map.Entries)
        {
            if (k is not YScalar { IsNull: false } key)
            {
                Context.Error(k, $"{PathOf(name)}: keys must be strings, found {ParseContext.Describe(k)}");
            }
            else if (v is not YScalar { IsNull: false } s)
            {
                Context.Error(v, $"{PathOf(name)}.{key.Value}: must be a string, found {ParseContext.Describe(v)}");
            }
            else if (!result.TryAdd(key.Value, s.Value))
            {
                Context.Error(key, $"duplicate key \"{key.Value}\" in {PathOf(name)}");
            }
        }
        return result;
    }

    /// <summary>
    /// <see cref="OneOf"/> for a field the API server defaults when it is empty
    /// (imagePullPolicy, protocol, dnsPolicy, restartPolicy, scheme): their Go type's zero
    /// value is "", which SetDefaults_* replaces before validation, so `imagePullPolicy: ""`
    /// (a Helm chart's unset value) means the default there, and null (the default) here.
    /// </summary>
    public string? OneOfOrDefault(string name, string[] allowed) =>
        Value(name) is YScalar { IsPlain: false, Value: "" } ? null : OneOf(name, allowed);

    /// <summary>One of <paramref name="allowed"/>, exactly as Kubernetes spells it.</summary>
    public string? OneOf(string name, string[] allowed)
    {
        if (String(name) is not string s)
        {
            return null;
        }
        if (Array.IndexOf(allowed, s) >= 0)
        {
            return s;
        }
        string? close = allowed.FirstOrDefault(a => a.Equals(s, StringComparison.OrdinalIgnoreCase))
            ?? Suggest.Closest(s, allowed);
        string hint = close is null ? "" : $"; did you mean \"{close}\"?";
        Context.Error(Value(name)!, $"{PathOf(name)}: must be one of {string.Join(", ", allowed)}, found \"{s}\"{hint}");
        return null;
    }

    /// <summary>YAML integers as Kubernetes reads them (go-yaml: strconv.ParseInt base 0):
    /// decimal, 0o and (YAML 1.1) a leading 0 octal, 0x hex; a value beyond a long is none.
    /// 01000 was read as 1000 here and as 512 by Kubernetes and podman, and a runAsUser
    /// differed silently (definitions review of 2026-12-06, finding 4).</summary>
    internal static bool TryParseInteger(string text, out long value)
    {
        value = 0;
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            // As unsigned, then range-checked: a signed parse read 0xFFFFFFFFFFFFFFFF as -1.
            bool hex = ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong unsigned) && unsigned <= long.MaxValue;
            value = hex ? (long)unsigned : 0;
            return hex;
        }
        if (IsLeadingZeroOctal(text))
        {
            return TryParseInteger("0o" + text.TrimStart('0'), out value) || text.TrimStart('0').Length == 0;
        }
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                value = Convert.ToInt64(text[2..], 8);
                return text.Length > 2;
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                return false;
            }
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Whether a plain integer is octal by its leading 0 alone (0644, not 0 or 0o644;
    /// 08 has a digit octal has not, and go-yaml reads it as the number 8).</summary>
    internal static bool IsLeadingZeroOctal(string text) =>
        text.Length > 1 && text[0] == '0' && text.All(c => c is >= '0' and <= '7');

    /// <summary>A warning for an integer written with a leading 0: it is octal, as in
    /// Kubernetes, which few mean outside a file mode.</summary>
    private void WarnIfOctal(YScalar s, string path, long n)
    {
        if (IsLeadingZeroOctal(s.Value))
        {
            Context.Warning(s, $"{path}: {s.Value} is octal, {n}, as Kubernetes reads a number with a leading 0; write {n} to say so");
        }
    }
}

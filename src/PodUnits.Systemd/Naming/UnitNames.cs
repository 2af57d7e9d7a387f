using PodUnits.Core.Errors;

namespace PodUnits.Systemd.Naming;

/// <summary>
/// Builds and checks unit names (systemd.unit(5): at most 255 characters of
/// [a-zA-Z0-9:_.\\-] and '@', then a known type suffix).
/// </summary>
public static class UnitNames
{
    /// <summary>UNIT_NAME_MAX in systemd is 256 including the terminating NUL.</summary>
    public const int MaxLength = 255;

    private static readonly string[] Suffixes =
        [".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target", ".path", ".timer", ".slice", ".scope"];

    /// <summary>
    /// <c>PREFIX-ESCAPED.SUFFIX</c>, e.g. <c>Build("podunits", "web/app", "scope")</c> is
    /// <c>podunits-web-app.scope</c>. <paramref name="prefix"/> must already be a valid
    /// unit-name part; <paramref name="value"/> is escaped like systemd-escape.
    /// </summary>
    public static string Build(string prefix, string value, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(suffix);
        string dotSuffix = suffix[0] == '.' ? suffix : "." + suffix;
        string name = $"{prefix}-{UnitNameEscaping.Escape(value)}{dotSuffix}";
        string? problem = Explain(name);
        if (problem is not null)
        {
            throw new BadInputException($"unit name {name}", problem);
        }
        return name;
    }

    public static bool IsValid(string? unitName) => Explain(unitName) is null;

    /// <summary>Why <paramref name="unitName"/> is not a valid unit name, or null when it is.</summary>
    public static string? Explain(string? unitName)
    {
        if (string.IsNullOrEmpty(unitName))
        {
            return "must not be empty";
        }
        if (unitName.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters (has {unitName.Length})";
        }
        string? suffix = Suffixes.FirstOrDefault(s => unitName.EndsWith(s, StringComparison.Ordinal));
        if (suffix is null)
        {
            return "must end in a unit type suffix such as .service or .scope";
        }
        string stem = unitName[..^suffix.Length];
        if (stem.Length == 0)
        {
            return "needs a name before the suffix";
        }
        foreach (char c in stem)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or ':' or '_' or '.' or '\\' or '-' or '@'))
            {
                return $"may contain only letters, digits and ':_.\\-@' before the suffix (found '{c}')";
            }
        }
        return null;
    }
}

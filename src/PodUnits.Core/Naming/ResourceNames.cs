namespace PodUnits.Core.Naming;

/// <summary>
/// The name rule for pods and containers: a DNS label (RFC 1123, as Kubernetes requires for
/// both) — 1 to 63 characters of [a-z0-9-], starting and ending with a letter or digit.
/// Every such name is also a valid machined machine name and a valid hostname, and needs no
/// escaping beyond '-' in a unit name, so checking this one rule early keeps names from
/// definitions safe to put in unit names, paths and command lines.
/// </summary>
public static class ResourceNames
{
    public const int MaxLength = 63;

    public static bool IsValid(string? name) => Explain(name) is null;

    /// <summary>Why <paramref name="name"/> is not a valid name, or null when it is.</summary>
    public static string? Explain(string? name)
    {
        string? lengthProblem = NameLength.Explain(name, MaxLength);
        if (lengthProblem is not null || name is null)
        {
            return lengthProblem;
        }
        foreach (char c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                // A control character shown as itself would break the one-line error (a CR
                // from a CRLF file of names returns the cursor over the message).
                string found = char.IsControl(c) || char.IsWhiteSpace(c) ? "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) : $"'{c}'";
                return $"may contain only lowercase letters, digits and '-' (found {found})";
            }
        }
        if (name[0] == '-' || name[^1] == '-')
        {
            return "must start and end with a letter or digit";
        }
        return null;
    }
}

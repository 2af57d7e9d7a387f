namespace PodUnits.Core.Naming;

/// <summary>The checks every name rule starts with: present, and not longer than its limit.</summary>
internal static class NameLength
{
    public static string? Explain(string? name, int max)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "must not be empty";
        }
        return name.Length > max ? $"must be at most {max} characters (has {name.Length})" : null;
    }
}

namespace PodUnits.Core.Naming;

/// <summary>
/// The name rule for CNI networks, as libcni checks a configuration's name (the CNI
/// specification: letters, digits, '_', '.', '-', starting with a letter or digit), capped
/// at 64 characters. A name that passes is safe in a file name (host-local keeps its leases
/// under /var/lib/cni/networks/NAME) and on a command line.
/// </summary>
public static class NetworkNames
{
    public const int MaxLength = 64;

    public static bool IsValid(string? name) => Explain(name) is null;

    /// <summary>Why <paramref name="name"/> is not a valid network name, or null when it is.</summary>
    public static string? Explain(string? name)
    {
        string? lengthProblem = NameLength.Explain(name, MaxLength);
        if (lengthProblem is not null || name is null)
        {
            return lengthProblem;
        }
        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return "must start with a letter or a digit";
        }
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            return "may contain only letters, digits, '_', '.' and '-'";
        }
        return null;
    }
}

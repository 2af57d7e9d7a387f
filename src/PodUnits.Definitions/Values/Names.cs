using System.Net;
using System.Net.Sockets;

namespace PodUnits.Definitions;

/// <summary>Name rules Kubernetes applies to fields other than pod and container names
/// (those use PodUnits.Core.Naming.ResourceNames).</summary>
internal static class Names
{
    /// <summary>Environment variable names: Kubernetes' classic C-identifier-like rule
    /// [-._a-zA-Z][-._a-zA-Z0-9]*.</summary>
    public static string? ExplainEnvName(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }
        if (char.IsAsciiDigit(name[0]))
        {
            return "must not start with a digit";
        }
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return $"may contain only letters, digits, '_', '-' and '.' (found '{c}')";
            }
        }
        return null;
    }

    /// <summary>Port names (IANA_SVC_NAME): 1-15 of [a-z0-9-], a letter somewhere, no "--",
    /// no leading or trailing '-'.</summary>
    public static string? ExplainPortName(string name)
    {
        if (name.Length is 0 or > 15)
        {
            return "must be 1 to 15 characters";
        }
        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            || !name.Any(char.IsAsciiLetterLower) || name.Contains("--", StringComparison.Ordinal)
            || name[0] == '-' || name[^1] == '-')
        {
            return "must be lowercase letters, digits and single '-' inside, with at least one letter";
        }
        return null;
    }

    public static bool IsIpAddress(string text) =>
        IPAddress.TryParse(text, out IPAddress? ip)
        && (ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);
}

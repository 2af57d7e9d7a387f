using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PodUnits.Definitions;

/// <summary>Name rules Kubernetes applies to fields other than pod and container names
/// (those use PodUnits.Core.Naming.ResourceNames).</summary>
internal static class Names
{
    /// <summary>Environment variable names as Kubernetes checks them since 1.34
    /// (RelaxedEnvironmentVariableValidation, GA): any printable ASCII character but '=', so
    /// names a shell cannot use ("1ST", "a:b") reach programs that read their environment.
    /// Before, the rule was a C identifier with '-' and '.', which refused manifests the
    /// API server now takes.</summary>
    public static string? ExplainEnvName(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }
        foreach (char c in name)
        {
            if (c is < ' ' or > '~' or '=')
            {
                return $"may contain only printable ASCII characters other than '=' (found {(c is > ' ' and <= '~' ? $"'{c}'" : $"U+{(int)c:X4}")})";
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

    /// <summary>ConfigMap and Secret names: a DNS subdomain (RFC 1123), at most 253
    /// characters of [a-z0-9-.] in labels that start and end with a letter or digit. Such a
    /// name is also safe as a file name under /etc/podunits/configmaps.</summary>
    public static string? ExplainObjectName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return "must be 1 to 253 characters";
        }
        foreach (string label in name.Split('.'))
        {
            if (label.Length == 0 || !label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
                || label[0] == '-' || label[^1] == '-')
            {
                return "must be lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit";
            }
        }
        return null;
    }

    /// <summary>ConfigMap and Secret keys: [-._a-zA-Z0-9]+, at most 253, not "." and not
    /// starting with ".." (Kubernetes' IsConfigMapKey: a volume's "..data" link and its
    /// "..STAMP" directories are the atomic writer's own names).</summary>
    public static string? ExplainObjectKey(string key)
    {
        if (key.Length is 0 or > 253)
        {
            return "must be 1 to 253 characters";
        }
        if (key == ".")
        {
            return "must not be \".\"";
        }
        if (key.StartsWith("..", StringComparison.Ordinal))
        {
            return "must not start with \"..\" (a volume's own names, such as ..data, do)";
        }
        return key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : "may contain only letters, digits, '-', '_' and '.'";
    }

    /// <summary>runc's list of /proc files a volume may replace: those lxcfs serves per
    /// container. Everything else in /proc is the container's own procfs, which a volume
    /// must not hide (runc refuses it too).</summary>
    private static readonly string[] ProcFilesAVolumeMayReplace =
    [
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    ];

    /// <summary>Why a volume cannot be mounted at absolute path <paramref name="mountPath"/>,
    /// or null: not at the container's root (Docker and containerd refuse it: the root is the
    /// image's) and not in /proc but for lxcfs's files (runc's rule). Hiding /dev or /sys is
    /// allowed, as Kubernetes allows it (hostPath /dev for device tools).</summary>
    public static string? ExplainMountTarget(string mountPath)
    {
        if (mountPath.Contains('\0', StringComparison.Ordinal))
        {
            return "must not contain NUL";
        }
        var parts = new List<string>();
        foreach (string part in mountPath.Split('/'))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part is not ("" or "."))
            {
                parts.Add(part);
            }
        }
        string normal = "/" + string.Join('/', parts);
        if (normal == "/")
        {
            return "is the container's root, which is its image's: a volume cannot replace it";
        }
        if ((normal == "/proc" || normal.StartsWith("/proc/", StringComparison.Ordinal)) && !ProcFilesAVolumeMayReplace.Contains(normal))
        {
            return "is in /proc, the container's own process file system; a volume may replace only "
                + string.Join(", ", ProcFilesAVolumeMayReplace) + " there (as runc allows, for lxcfs)";
        }
        return null;
    }

    /// <summary>A file path inside a configMap, secret, downwardAPI or projected volume (and a
    /// subPath): relative, no ".." element, not starting with "..", as Kubernetes validates it.</summary>
    public static string? ExplainVolumeFilePath(string path)
    {
        if (path.Length == 0)
        {
            return "must not be empty";
        }
        if (path.StartsWith('/'))
        {
            return "must be a relative path";
        }
        if (path.Split('/').Any(p => p == ".."))
        {
            return "must not contain \"..\"";
        }
        if (path.StartsWith("..", StringComparison.Ordinal))
        {
            return "must not start with \"..\"";
        }
        return path.Contains('\0', StringComparison.Ordinal) ? "must not contain NUL" : null;
    }

    /// <summary>Why a volumeMount's subPath (or subPathExpr, expanded) is refused, or null:
    /// the API server's rule for a path below a volume, relative and without a ".." element.
    /// Unlike an item path of a configMap, secret or projected volume, it may start with ".."
    /// ("..data" is a name; definitions review of 2026-12-06, finding 3).</summary>
    public static string? ExplainSubPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.StartsWith('/'))
        {
            return "must be a relative path";
        }
        if (path.Split('/').Any(p => p == ".."))
        {
            return "must not contain \"..\"";
        }
        return path.Contains('\0', StringComparison.Ordinal) ? "must not contain NUL" : null;
    }

    /// <summary>A volume file path as the kubelet's atomic writer cleans it: no empty or "."
    /// parts ("./a/" is "a"); empty when nothing is left.</summary>
    public static string CleanVolumeFilePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return string.Join('/', path.Split('/').Where(p => p is not ("" or ".")));
    }

    /// <summary>What is wrong with <paramref name="text"/> as an IP address ("is not an IP
    /// address", the end of an error message), or null. IPv4 must be in its canonical form:
    /// .NET reads a leading zero as octal (10.0.0.011 is 10.0.0.9), Go's parsers (the CNI
    /// plugins) refuse it and Kubernetes' read it as decimal, so one text meant three
    /// addresses (review of 2026-12-05, finding 6: a hostIP of 127.0.0.01 was held by PodUnits
    /// and skipped by portmap). IPv6 may not name a zone, an interface of the host's.</summary>
    public static string? IpAddressProblem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('.');
        if (parts.Length == 4 && parts.All(part => part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit)))
        {
            int[] octets = [.. parts.Select(part => int.Parse(part, CultureInfo.InvariantCulture))];
            if (octets.Any(o => o > 255))
            {
                return "is not an IP address";
            }
            // The reading the author meant, as Kubernetes reads it: each part in decimal.
            string meant = string.Join('.', octets);
            if (meant == text)
            {
                return null;
            }
            return IPAddress.TryParse(text, out IPAddress? octal) && octal.ToString() != meant
                ? $"is not written as IPv4 addresses are: write {meant}, as Kubernetes reads it (a leading zero is octal to some parsers: {octal})"
                : $"is not written as IPv4 addresses are: write {meant} (a leading zero is octal to some parsers)";
        }
        if (!text.Contains(':', StringComparison.Ordinal) || !IPAddress.TryParse(text, out IPAddress? ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "is not an IP address";
        }
        return text.Contains('%', StringComparison.Ordinal) ? "names a zone (%), an interface of the host's, which an address here may not" : null;
    }
}

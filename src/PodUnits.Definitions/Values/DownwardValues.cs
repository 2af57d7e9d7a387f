using System.Globalization;
using System.Text;

namespace PodUnits.Definitions;

/// <summary>
/// The downward API's values, computed the way the kubelet computes them
/// (pkg/fieldpath and pkg/api/v1/resource): a field of the pod, or a container's limit or
/// request divided by the divisor and rounded up, node allocatable standing in for a missing
/// limit. Whole label and annotation sets are written as sorted KEY="VALUE" lines.
/// </summary>
public static class DownwardValues
{
    /// <summary>The value of <paramref name="field"/> (a <see cref="PodFieldRef"/> or
    /// <see cref="ResourceFieldRef"/>) for <paramref name="pod"/> on <paramref name="node"/>.</summary>
    public static string Of(EnvSource field, PodDefinition pod, NodeFacts node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        return field switch
        {
            PodFieldRef f => PodField(f.FieldPath, pod, node),
            ResourceFieldRef r => Resource(r, pod, node),
            _ => throw new ArgumentException($"not a downward API field: {field}", nameof(field)),
        };
    }

    private static string PodField(string path, PodDefinition pod, NodeFacts node)
    {
        if (path.StartsWith("metadata.labels[", StringComparison.Ordinal))
        {
            return pod.Labels.GetValueOrDefault(Subscript(path), "");
        }
        if (path.StartsWith("metadata.annotations[", StringComparison.Ordinal))
        {
            return pod.Annotations.GetValueOrDefault(Subscript(path), "");
        }
        return path switch
        {
            "metadata.name" => pod.Name,
            "metadata.namespace" => pod.Namespace,
            "metadata.uid" => node.PodUid,
            "metadata.labels" => KeyValueLines(pod.Labels),
            "metadata.annotations" => KeyValueLines(pod.Annotations),
            "spec.nodeName" => node.NodeName,
            "spec.serviceAccountName" => pod.ServiceAccountName,
            "status.hostIP" => node.HostIP,
            "status.hostIPs" => node.AllHostIPs,
            // hostNetwork: the pod's address is the host's, as in Kubernetes.
            "status.podIP" => pod.HostNetwork ? node.HostIP : NodeFacts.PodIPToken,
            "status.podIPs" => pod.HostNetwork ? node.AllHostIPs : NodeFacts.PodIPsToken,
            _ => throw new ArgumentException($"unknown field path {path}", nameof(path)),
        };
    }

    private static string Subscript(string path) => path[(path.IndexOf('[', StringComparison.Ordinal) + 2)..^2];

    private static string Resource(ResourceFieldRef r, PodDefinition pod, NodeFacts node)
    {
        ContainerDefinition c = pod.AllContainers.First(x => x.Name == r.ContainerName);
        bool limit = r.Resource.StartsWith("limits.", StringComparison.Ordinal);
        ResourceLimits values = limit ? c.Limits : c.Requests;
        long amount = r.Resource[(r.Resource.IndexOf('.', StringComparison.Ordinal) + 1)..] switch
        {
            // A container without a limit of its own is bounded by the pod's (pod-level
            // resources), else by what the node has, as the kubelet resolves it.
            "cpu" => values.CpuMillis ?? (limit ? pod.Limits.CpuMillis ?? node.CpuMillis : 0),
            "memory" => values.MemoryBytes ?? (limit ? pod.Limits.MemoryBytes ?? node.MemoryBytes : 0),
            _ => limit ? node.EphemeralStorageBytes : 0, // ephemeral-storage: PodUnits sets no limit
        };
        long rounded = (amount / r.Divisor) + (amount % r.Divisor == 0 ? 0 : 1);
        return rounded.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Labels or annotations as the kubelet writes them: KEY="VALUE" (Go's %q
    /// quoting), sorted by key, one per line, no newline after the last.</summary>
    public static string KeyValueLines(IReadOnlyDictionary<string, string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return string.Join('\n', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Quote(p.Value)}"));
    }

    /// <summary>Go's strconv.Quote, which the kubelet's %q is: printable runes as they are
    /// (unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space),
    /// the short escapes Go has (\a \b \f \v among them), other control characters below
    /// U+0080 as \xHH and every other non-printable rune (U+0085, U+2028, U+00A0, format
    /// characters) as \uHHHH or \UHHHHHHHH. Writing \x07 and a raw U+2028, a program that
    /// parses the kubelet's format read other text (config review of 2026-12-07, finding 5).</summary>
    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (Rune r in value.EnumerateRunes())
        {
            text.Append(r.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                7 => "\\a",
                8 => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                < ' ' or 0x7f => string.Create(CultureInfo.InvariantCulture, $"\\x{r.Value:x2}"),
                _ when IsPrint(r) => r.ToString(),
                < 0x10000 => string.Create(CultureInfo.InvariantCulture, $"\\u{r.Value:x4}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\U{r.Value:x8}"),
            });
        }
        return text.Append('"').ToString();
    }

    /// <summary>Go's unicode.IsPrint.</summary>
    private static bool IsPrint(Rune r) => r.Value == ' ' || Rune.GetUnicodeCategory(r) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };
}

using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// The downward API's selectors, as Kubernetes validates them (pkg/apis/core/validation):
/// which fieldRef paths an env var and a volume file may name, and resourceFieldRef's
/// resources and divisors. Values are computed later (Values/DownwardValues).
/// </summary>
internal static partial class DownwardApiMapper
{
    private static readonly string[] EnvFields =
    [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    private static readonly string[] VolumeFields =
        ["metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations"];

    private static readonly string[] Resources =
        ["limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage"];

    private static readonly Dictionary<string, long> MemoryDivisors = new(StringComparer.Ordinal)
    {
        ["1"] = 1, ["1k"] = 1000, ["1M"] = 1000_000, ["1G"] = 1000_000_000, ["1T"] = 1000_000_000_000,
        ["1P"] = 1000_000_000_000_000, ["1E"] = 1000_000_000_000_000_000,
        ["1Ki"] = 1L << 10, ["1Mi"] = 1L << 20, ["1Gi"] = 1L << 30, ["1Ti"] = 1L << 40, ["1Pi"] = 1L << 50, ["1Ei"] = 1L << 60,
    };

    /// <summary>fieldRef: the path, or null after reporting why not. <paramref name="forVolume"/>:
    /// a downwardAPI volume file, which may show all labels or annotations but no status.</summary>
    public static PodFieldRef? FieldRef(Fields f, bool forVolume)
    {
        string? apiVersion = f.String("apiVersion");
        if (apiVersion is not null and not "v1")
        {
            f.Context.Error(f.Value("apiVersion")!, $"{f.PathOf("apiVersion")}: must be \"v1\", found \"{apiVersion}\"");
        }
        if (f.RequiredString("fieldPath") is not string path)
        {
            return null;
        }
        if (SubscriptedField(path) is (string field, string key))
        {
            if (Names.ExplainObjectKey(key.Replace('/', '.')) is not null)
            {
                f.Context.Error(f.Value("fieldPath")!, $"{f.PathOf("fieldPath")}: \"{key}\" is not a valid label or annotation key");
                return null;
            }
            return new PodFieldRef($"{field}['{key}']");
        }
        string[] allowed = forVolume ? VolumeFields : EnvFields;
        if (Array.IndexOf(allowed, path) < 0)
        {
            string where = forVolume ? "a downwardAPI volume" : "an environment variable";
            f.Context.Error(f.Value("fieldPath")!, $"{f.PathOf("fieldPath")}: \"{path}\" is not a field {where} can show " +
                $"(supported: {string.Join(", ", allowed)}, metadata.labels['KEY'], metadata.annotations['KEY']){Suggest.Hint(path, allowed)}");
            return null;
        }
        return new PodFieldRef(path);
    }

    /// <summary>metadata.labels['KEY'] or metadata.annotations['KEY'] (either quote), split.</summary>
    private static (string Field, string Key)? SubscriptedField(string path)
    {
        foreach (string field in new[] { "metadata.labels", "metadata.annotations" })
        {
            if (path.Length > field.Length + 4 && path.StartsWith(field + "[", StringComparison.Ordinal) && path[^1] == ']'
                && path[field.Length + 1] is '\'' or '"' && path[^2] == path[field.Length + 1])
            {
                return (field, path[(field.Length + 2)..^2]);
            }
        }
        return null;
    }

    /// <summary>resourceFieldRef; <paramref name="defaultContainer"/> is the env var's own
    /// container (volumes must name one).</summary>
    public static ResourceFieldRef? ResourceFieldRef(Fields f, string? defaultContainer, ICollection<string> containerNames)
    {
        string? container = f.String("containerName") ?? defaultContainer;
        if (container is null)
        {
            f.Missing("containerName");
        }
        else if (!containerNames.Contains(container))
        {
            f.Context.Error(f.Value("containerName") ?? f.Node, $"{f.PathOf("containerName")}: no container named \"{container}\" in this pod{Suggest.Hint(container, containerNames)}");
            container = null;
        }
        string? resource = f.RequiredString("resource");
        if (resource is not null && Array.IndexOf(Resources, resource) < 0)
        {
            f.Context.Error(f.Value("resource")!, $"{f.PathOf("resource")}: must be one of {string.Join(", ", Resources)}, found \"{resource}\"{Suggest.Hint(resource, Resources)}");
            resource = null;
        }
        long divisor = 1;
        if (resource is not null && f.Value("divisor") is YNode d)
        {
            string text = (d as YScalar)?.Value ?? "";
            bool cpu = resource.EndsWith(".cpu", StringComparison.Ordinal);
            // Compared by value, as the API server compares the canonical form (1000m is 1,
            // 1024Ki is 1Mi); a zero is "unset", the form `kubectl get -o yaml` prints an
            // unset divisor in (config review of 2026-12-06, finding 5).
            long? parsed = Quantities.IsZero(text) ? (cpu ? 1000 : 1) : Divisor(text, cpu);
            if (parsed is null)
            {
                f.Context.Error(d, $"{f.PathOf("divisor")}: \"{text}\" is not a divisor Kubernetes allows for {resource} " +
                    $"(allowed: {(cpu ? "1m, 1" : string.Join(", ", MemoryDivisors.Keys))})");
                return null;
            }
            divisor = parsed.Value;
        }
        else if (resource is not null && resource.EndsWith(".cpu", StringComparison.Ordinal))
        {
            divisor = 1000; // "1": whole cores
        }
        return container is null || resource is null ? null : new ResourceFieldRef(container, resource, divisor);
    }

    /// <summary>
    /// The divisor <paramref name="text"/> names, when its canonical form is one Kubernetes
    /// allows: a whole number with a suffix of the allowed value's own family (1000m is 1,
    /// 1024Ki is 1Mi, 1000k is 1M; 1024 is not 1Ki, nor 0.5 or 1e3 anything), as the API
    /// server compares Quantity.String(). Null otherwise.
    /// </summary>
    private static long? Divisor(string text, bool cpu)
    {
        System.Text.RegularExpressions.Match m = WholeQuantity().Match(text);
        if (!m.Success)
        {
            return null;
        }
        string suffix = m.Groups[2].Value;
        if (cpu)
        {
            return suffix is "" or "m" && Quantities.TryParseCpuMillis(text, out long millis, out _) && millis is 1 or 1000 ? millis : null;
        }
        if (!Quantities.TryParseMemoryBytes(text, out long bytes, out _))
        {
            return null;
        }
        bool binary = suffix.EndsWith('i');
        return MemoryDivisors.FirstOrDefault(d => d.Value == bytes && d.Key.EndsWith('i') == binary).Key is null ? null : bytes;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([0-9]+)([a-zA-Z]*)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex WholeQuantity();

}

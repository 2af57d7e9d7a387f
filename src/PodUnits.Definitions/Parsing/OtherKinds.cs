using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// A manifest of another kind where a Pod was expected: one error at its kind, saying what to
/// do with it instead. Mapped as a Pod, a ConfigMap or a Deployment would bury that under
/// errors about fields a Pod lacks (no spec, unknown "data") and a warning on where to
/// install it as a pod.
/// </summary>
internal static class OtherKinds
{
    /// <summary>Workloads and where their pod template is.</summary>
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        ["Deployment"] = "spec.template", ["StatefulSet"] = "spec.template", ["DaemonSet"] = "spec.template",
        ["ReplicaSet"] = "spec.template", ["ReplicationController"] = "spec.template", ["Job"] = "spec.template",
        ["CronJob"] = "spec.jobTemplate.spec.template",
    };

    private const string InThePodsFile = "(or put it in the pod's file after the Pod, as a second document)";

    /// <summary>The document's kind and why it is no pod definition; null for a Pod, or a
    /// document without a kind (the pod mapper reports that).</summary>
    public static (YNode At, string Why)? Refusal(YNode document)
    {
        if (ConfigObjectCatalog.KindNode(document) is not { } kind || kind.Value == "Pod")
        {
            return null;
        }
        string name = ObjectName(document) ?? "NAME";
        string why = kind.Value switch
        {
            "ConfigMap" => $"kind: a ConfigMap on its own is not a pod definition; install it as /etc/podunits/configmaps/{name}.yaml {InThePodsFile}",
            "Secret" => $"kind: a Secret on its own is not a pod definition; install it as /etc/podunits/secrets/{name}.yaml, " +
                $"or have 'podunits secret create {name} --encrypt' make it encrypted {InThePodsFile}",
            "PersistentVolumeClaim" => "kind: a PersistentVolumeClaim on its own is not a pod definition; a pod's claim is made " +
                "when the pod first mounts it (put it in the pod's file after the Pod, as a second document, to check it there)",
            _ when Templates.TryGetValue(kind.Value, out string? template) =>
                $"kind: PodUnits runs kind: Pod; a {kind.Value}'s {template} is a pod template: put its metadata and spec in a Pod",
            _ => $"kind: must be \"Pod\", found \"{kind.Value}\" (PodUnits runs pods only)",
        };
        return (kind, why);
    }

    /// <summary>metadata.name when it is a plain text, for the path to suggest.</summary>
    private static string? ObjectName(YNode document) =>
        Entry(document, "metadata") is { } metadata && Entry(metadata, "name") is YScalar { IsNull: false } name
        && name.Value.Length > 0 && !name.Value.Contains('/', StringComparison.Ordinal) ? name.Value : null;

    private static YNode? Entry(YNode node, string key) =>
        node is YMapping map ? map.Entries.FirstOrDefault(e => e.Key is YScalar s && s.Value == key).Value : null;
}

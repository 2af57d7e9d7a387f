using System.Globalization;
using PodUnits.Definitions.Host;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// In a pod with its own user namespace, the user and group IDs a definition names must lie
/// in 0..65535, the IDs the namespace maps: anything beyond has no host ID in the pod and the
/// kernel would refuse it only when the container starts. Checked here, at the value's line and
/// column (an image's USER can only be checked when the pod is planned).
/// </summary>
internal static class UserNamespaceIds
{
    private static readonly string[] PodFields = ["runAsUser", "runAsGroup", "fsGroup", "supplementalGroups"];
    private static readonly string[] ContainerFields = ["runAsUser", "runAsGroup"];

    public static void Check(Fields spec, ParseContext ctx)
    {
        Check(spec.Value("securityContext"), "spec.securityContext", PodFields, ctx);
        foreach (string list in (string[])["initContainers", "containers"])
        {
            if (spec.Value(list) is not YSequence containers)
            {
                continue;
            }
            for (int i = 0; i < containers.Items.Count; i++)
            {
                Check(Entry(containers.Items[i], "securityContext"), $"spec.{list}[{i}].securityContext", ContainerFields, ctx);
            }
        }
    }

    private static void Check(YNode? securityContext, string path, string[] fields, ParseContext ctx)
    {
        foreach (string field in fields)
        {
            YNode? value = Entry(securityContext, field);
            IEnumerable<(YNode Node, string Path)> ids = value is YSequence seq
                ? seq.Items.Select((n, i) => (n, $"{path}.{field}[{i}]"))
                : value is null ? [] : [(value, $"{path}.{field}")];
            foreach ((YNode node, string at) in ids)
            {
                if (node is YScalar { IsPlain: true } s && Fields.TryParseInteger(s.Value, out long id) && id >= UserNamespacePool.RangeSize)
                {
                    ctx.Error(node, $"{at}: {id} is outside the pod's user namespace, which maps IDs 0-{UserNamespacePool.RangeSize - 1} " +
                        "(hostUsers: false, or the host's userNamespaces: auto, where spec.hostUsers: true keeps the host's users)");
                }
            }
        }
    }

    /// <summary>securityContext.procMount: Unmasked (a /proc without masked or read-only
    /// paths) is only for a pod with <c>hostUsers: false</c>, as Kubernetes validates it: only
    /// there is container root no host root, so the kernel's own checks keep it from the
    /// host's settings. The host's userNamespaces: auto does not count, so a definition means
    /// the same on every host.</summary>
    public static void CheckProcMount(Fields spec, ParseContext ctx, bool? hostUsers)
    {
        if (hostUsers == false)
        {
            return;
        }
        foreach (string list in (string[])["initContainers", "containers"])
        {
            if (spec.Value(list) is not YSequence containers)
            {
                continue;
            }
            for (int i = 0; i < containers.Items.Count; i++)
            {
                if (Entry(Entry(containers.Items[i], "securityContext"), "procMount") is YScalar { Value: "Unmasked" } node)
                {
                    ctx.Error(node, $"spec.{list}[{i}].securityContext.procMount: Unmasked needs spec.hostUsers: false " +
                        "(only in a pod with its own user namespace is container root not the host's)");
                }
            }
        }
    }

    private static YNode? Entry(YNode? mapping, string key) =>
        mapping is YMapping m ? m.Entries.FirstOrDefault(e => e.Key is YScalar k && k.Value == key).Value : null;
}

using PodUnits.Definitions.Host;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// spec.securityContext.sysctls as the API server and the kubelet check them together: the
/// name's syntax (either separator), no name twice, a namespaced sysctl only (a host-wide one
/// would change the host), none of the pod's network namespace with hostNetwork, and outside
/// the safe set only what the host's allowedUnsafeSysctls allows. The kubelet refuses such a
/// pod when it would start it; PodUnits refuses the definition, so the generator and
/// `podunits validate` say so at the name's line and column.
/// </summary>
internal static class SysctlMapper
{
    public static List<Sysctl> Map(Fields securityContext, ParseContext ctx, bool hostNetwork, HostSettings settings)
    {
        var result = new List<Sysctl>();
        if (securityContext.Value("sysctls") is not YNode node || ctx.List(node, securityContext.PathOf("sysctls")) is not { } items)
        {
            return result;
        }
        var seen = new Dictionary<string, YNode>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            if (ctx.Object(items[i], $"{securityContext.PathOf("sysctls")}[{i}]", KubernetesFields.Sysctl) is not Fields f)
            {
                continue;
            }
            string? name = f.RequiredString("name");
            string? value = f.RequiredString("value");
            if (name is null || value is null)
            {
                continue;
            }
            YNode at = f.Value("name")!;
            if (Refusal(name, hostNetwork, settings) is string why)
            {
                ctx.Error(at, $"{f.PathOf("name")}: {why}");
                continue;
            }
            string normalized = SysctlNames.Normalize(name);
            if (!seen.TryAdd(normalized, at))
            {
                ctx.Error(at, $"{f.PathOf("name")}: \"{name}\" is set twice (also at line {seen[normalized].Line})");
                continue;
            }
            result.Add(new Sysctl(normalized, value));
        }
        return result;
    }

    /// <summary>Why the pod may not set <paramref name="name"/>, or null.</summary>
    private static string? Refusal(string name, bool hostNetwork, HostSettings settings)
    {
        if (SysctlNames.Explain(name) is string syntax)
        {
            return $"\"{name}\" is not a sysctl name: it {syntax}";
        }
        string normalized = SysctlNames.Normalize(name);
        SysctlNamespace ns = SysctlNames.NamespaceOf(normalized);
        if (ns == SysctlNamespace.None)
        {
            return $"sysctl \"{name}\" is not namespaced: it would change the host (a pod may set only kernel.shm*, kernel.msg*, " +
                "kernel.sem, fs.mqueue.* and net.*)";
        }
        // hostIPC is refused as a field (docs/definitions.md), so the IPC ones always have
        // the pod's own IPC namespace; the kubelet refuses them with hostIPC.
        if (ns == SysctlNamespace.Net && hostNetwork)
        {
            return $"sysctl \"{name}\" cannot be set with hostNetwork: true: the pod shares the host's network namespace";
        }
        if (!SysctlNames.IsSafe(normalized) && !settings.AllowsUnsafeSysctl(normalized))
        {
            return $"unsafe sysctl \"{name}\": allow it in {settings.Source} allowedUnsafeSysctls " +
                "(only the safe set is allowed by default; docs/confinement.md)";
        }
        return null;
    }
}

using PodUnits.Core.Linux;
using PodUnits.Definitions.Host;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>A container's securityContext, capability names normalized.</summary>
internal static class SecurityMapper
{
    public static ContainerSecurityContext? Map(Fields container, ParseContext ctx)
    {
        if (container.Value("securityContext") is not YNode node
            || ctx.Object(node, container.PathOf("securityContext"), KubernetesFields.ContainerSecurityContext) is not Fields s)
        {
            return null;
        }
        List<string> add = [];
        List<string> drop = [];
        if (s.Value("capabilities") is YNode capNode && ctx.Object(capNode, s.PathOf("capabilities"), KubernetesFields.Capabilities) is Fields caps)
        {
            add = Capabilities(caps, "add", ctx);
            drop = Capabilities(caps, "drop", ctx);
        }
        bool privileged = s.Boolean("privileged") ?? false;
        bool? allowEscalation = s.Boolean("allowPrivilegeEscalation");
        if (privileged && allowEscalation == false)
        {
            // Kubernetes rejects this combination: privileged implies escalation.
            ctx.Error(s.Value("allowPrivilegeEscalation")!, $"{s.PathOf("allowPrivilegeEscalation")}: cannot be false when privileged is true");
        }
        // procMount: Unmasked needs hostUsers: false (UserNamespaceIds.CheckProcMount, pod-wide).
        bool procUnmasked = s.OneOf("procMount", ProcMounts) == "Unmasked";
        return new ContainerSecurityContext(
            s.Integer("runAsUser", 0, MaxId),
            s.Integer("runAsGroup", 0, MaxId),
            s.Boolean("readOnlyRootFilesystem") ?? false,
            privileged,
            allowEscalation,
            add,
            drop,
            SeccompMapper.Map(s, ctx))
        {
            RunAsNonRoot = s.Boolean("runAsNonRoot"),
            AppArmorProfile = LsmMapper.AppArmor(s, ctx),
            SeLinuxOptions = LsmMapper.SeLinux(s, ctx),
            ProcUnmasked = procUnmasked,
        };
    }

    private static readonly string[] ProcMounts = ["Default", "Unmasked"];

    /// <summary>IDs as Kubernetes validates them (0 to 2^31-1).</summary>
    public const long MaxId = int.MaxValue;

    /// <summary>spec.securityContext.</summary>
    public static PodSecurityContext? MapPod(Fields spec, ParseContext ctx, bool hostNetwork, HostSettings settings)
    {
        if (spec.Value("securityContext") is not YNode node
            || ctx.Object(node, "spec.securityContext", KubernetesFields.PodSecurityContext) is not Fields s)
        {
            return null;
        }
        return new PodSecurityContext(s.Integer("runAsUser", 0, MaxId), s.Integer("runAsGroup", 0, MaxId), SeccompMapper.Map(s, ctx))
        {
            RunAsNonRoot = s.Boolean("runAsNonRoot"),
            FsGroup = s.Integer("fsGroup", 0, MaxId),
            FsGroupChangePolicy = s.OneOf("fsGroupChangePolicy", FsGroupChangePolicies) is string f
                ? Enum.Parse<FsGroupChangePolicy>(f) : FsGroupChangePolicy.Always,
            SupplementalGroups = s.IntegerList("supplementalGroups", 0, MaxId) ?? [],
            SupplementalGroupsPolicy = s.OneOf("supplementalGroupsPolicy", SupplementalGroupsPolicies) is string p
                ? Enum.Parse<SupplementalGroupsPolicy>(p) : SupplementalGroupsPolicy.Merge,
            AppArmorProfile = LsmMapper.AppArmor(s, ctx),
            SeLinuxOptions = LsmMapper.SeLinux(s, ctx),
            Sysctls = SysctlMapper.Map(s, ctx, hostNetwork, settings),
        };
    }

    private static readonly string[] FsGroupChangePolicies = ["OnRootMismatch", "Always"];
    private static readonly string[] SupplementalGroupsPolicies = ["Merge", "Strict"];

    private static List<string> Capabilities(Fields caps, string field, ParseContext ctx)
    {
        var result = new List<string>();
        List<string>? names = caps.StringList(field);
        if (names is null)
        {
            return result;
        }
        var items = ((YSequence)caps.Value(field)!).Items;
        for (int i = 0; i < names.Count && i < items.Count; i++)
        {
            if (LinuxCapabilities.Normalize(names[i]) is string normalized)
            {
                result.Add(normalized);
                if (field == "add" && ctx.HostChecks is { PodBoundingSet: var bounding }
                    && LinuxCapabilities.Number(normalized) is >= 0 and var number && (bounding >> number & 1) == 0)
                {
                    // Words of Planning's CapabilityGrants, which refuses the same at a start.
                    ctx.Error(items[i], $"{caps.PathOf(field)}[{i}]: {normalized} cannot be granted: this host runs pods without it "
                        + "(CapabilityBoundingSet= of pod@.service, or a bounding set around systemd)");
                }
            }
            else
            {
                string upper = names[i].ToUpperInvariant();
                string hint = Suggest.Hint(upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper, LinuxCapabilities.Names);
                ctx.Error(items[i], $"{caps.PathOf(field)}[{i}]: unknown capability \"{names[i]}\"{hint}");
            }
        }
        return result;
    }
}

using PodUnits.Core.Naming;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>spec.volumes: hostPath, emptyDir, and the projected kinds (configMap, secret,
/// downwardAPI, projected; <see cref="ProjectedVolumeMapper"/>). Other kinds are "not
/// supported yet" via the field table.</summary>
internal static class VolumeMapper
{
    private static readonly string[] HostPathTypes =
        ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"];

    /// <summary>The valid volumes; <paramref name="declared"/> gets every name declared, valid
    /// or not, so a mount of a volume with other errors does not also say "no such volume".</summary>
    private static readonly string[] Kinds = ["hostPath", "emptyDir", "configMap", "secret", "downwardAPI", "projected", "persistentVolumeClaim"];

    public static List<VolumeDefinition> MapAll(Fields spec, ParseContext ctx, ConfigObjectCatalog catalog, ICollection<string> containerNames,
        out HashSet<string> declared)
    {
        var projections = new ProjectedVolumeMapper(ctx, catalog, containerNames);
        var result = new List<VolumeDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        declared = names;
        ContainerMapper.ForEachObject(spec, "volumes", KubernetesFields.Volume, (v, p) =>
        {
            string? name = v.RequiredString("name");
            if (name is not null && ResourceNames.Explain(name) is string why)
            {
                ctx.Error(v.Value("name")!, $"{p}.name: \"{name}\" is not a valid volume name: {why}");
            }
            else if (name is not null && !names.Add(name))
            {
                ctx.Error(v.Value("name")!, $"{p}.name: \"{name}\" is already the name of another volume");
            }
            HostPathVolume? hostPath = null;
            EmptyDirVolume? emptyDir = null;
            ProjectedVolume? projected = null;
            ClaimVolume? claim = null;
            // Counted as Kubernetes counts them, a kind written as null being none, so that
            // `configMap:` beside a hostPath is the hostPath (definitions review of
            // 2026-12-07, finding 6). A null kind alone is still refused for the field it
            // lacks: Kubernetes makes an emptyDir of it, which a `hostPath:` a template left
            // empty would silently turn into a directory that goes with the pod.
            string[] kinds = [.. Kinds.Where(v.Present)];
            if (kinds.Length == 0)
            {
                kinds = [.. Kinds.Where(k => v.Key(k) is not null).Take(1)];
            }
            if (kinds.Length > 1)
            {
                ctx.Error(v.Node, $"{p}: a volume has exactly one kind; found {string.Join(" and ", kinds)}");
            }
            else if (kinds is ["configMap" or "secret" or "downwardAPI" or "projected"])
            {
                projected = kinds[0] switch
                {
                    "configMap" => v.Child("configMap", KubernetesFields.ConfigMapVolume) is Fields c ? projections.ConfigMap(c) : Missing(v, "configMap", "name"),
                    "secret" => v.Child("secret", KubernetesFields.SecretVolume) is Fields c ? projections.Secret(c) : Missing(v, "secret", "secretName"),
                    "downwardAPI" => v.Child("downwardAPI", KubernetesFields.DownwardApiVolume) is Fields c ? projections.DownwardApi(c) : Missing(v, "downwardAPI", "items"),
                    _ => v.Child("projected", KubernetesFields.ProjectedVolume) is Fields c ? projections.Projected(c) : Missing(v, "projected", "sources"),
                };
            }
            else if (kinds is ["persistentVolumeClaim"])
            {
                if (v.Child("persistentVolumeClaim", KubernetesFields.ClaimVolumeSource) is not Fields c)
                {
                    Missing(v, "persistentVolumeClaim", "claimName");
                }
                else if (EnvSourceMapper.ObjectName(c, "claimName", "PersistentVolumeClaim") is string claimName)
                {
                    claim = new ClaimVolume(claimName, c.Boolean("readOnly") ?? false);
                }
            }
            else if (kinds is ["hostPath"])
            {
                if (v.Value("hostPath") is not YNode hp)
                {
                    ctx.Error(v.Node, $"{v.PathOf("hostPath")}: missing required field \"path\"");
                }
                else if (ctx.Object(hp, v.PathOf("hostPath"), KubernetesFields.HostPath) is Fields h)
                {
                    hostPath = MapHostPath(h, ctx);
                }
            }
            else
            {
                // Like Kubernetes' defaulting: a volume without a source is an emptyDir.
                emptyDir = v.Value("emptyDir") is YNode ed && ctx.Object(ed, v.PathOf("emptyDir"), KubernetesFields.EmptyDir) is Fields e
                    ? MapEmptyDir(e, ctx)
                    : new EmptyDirVolume(false, null);
            }
            if (name is not null && (hostPath is not null || emptyDir is not null || projected is not null || claim is not null))
            {
                result.Add(new VolumeDefinition(name, hostPath, emptyDir, projected, claim));
            }
        });
        return result;
    }

    private static ProjectedVolume? Missing(Fields v, string kind, string field)
    {
        v.Context.Error(v.Value(kind) ?? v.Node, $"{v.PathOf(kind)}: missing required field \"{field}\"");
        return null;
    }

    private static HostPathVolume? MapHostPath(Fields h, ParseContext ctx)
    {
        string? path = h.RequiredString("path");
        if (path is not null && !path.StartsWith('/'))
        {
            ctx.Error(h.Value("path")!, $"{h.PathOf("path")}: must be an absolute path, found \"{path}\"");
            return null;
        }
        // As Kubernetes validates it (validatePathNoBacksteps): the path used is the path written.
        if (path is not null && path.Split('/').Contains(".."))
        {
            ctx.Error(h.Value("path")!, $"{h.PathOf("path")}: must not contain a \"..\" element");
            return null;
        }
        // Kubernetes allows them; a unit file cannot hold them. The generator writes the path
        // as RequiresMountsFor=, and a line break there began lines of the generator's own
        // (review of 2026-12-06: "\n[Service]\nExecStartPre=..." ran as root on the host).
        if (path is not null && path.Any(char.IsControl))
        {
            ctx.Error(h.Value("path")!, $"{h.PathOf("path")}: must not contain control characters (a line break, a tab, NUL), which a unit file's RequiresMountsFor= cannot hold");
            return null;
        }
        string type = h.OneOf("type", HostPathTypes) ?? "";
        return path is null ? null : new HostPathVolume(path, type.Length == 0 ? HostPathType.Unset : Enum.Parse<HostPathType>(type));
    }

    private static EmptyDirVolume MapEmptyDir(Fields e, ParseContext ctx)
    {
        string medium = e.OneOf("medium", ["", "Memory"]) ?? "";
        long? size = null;
        if (e.Value("sizeLimit") is YNode node)
        {
            // Memory: the tmpfs's size; on disk: the executor evicts the pod over it, as the
            // kubelet does (Executor/EmptyDirLimits.cs).
            size = ResourceMapper.Memory(node, e.PathOf("sizeLimit"), ctx);
        }
        return new EmptyDirVolume(medium == "Memory", size);
    }
}

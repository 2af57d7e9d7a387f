using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// container.apparmor.security.beta.kubernetes.io/CONTAINER: the AppArmor profile a container
/// asked for before securityContext.appArmorProfile existed. Deprecated, but Kubernetes still
/// honours it (1.30 on) for a container whose fields do not say otherwise; a manifest that asks
/// for a stricter Localhost profile this way must not run under the default one without a
/// word. The values "runtime/default", "localhost/NAME" and "unconfined" are read as the
/// field's types, an empty one as unset; one that differs from the container's field, or
/// (the container having none) from the pod's, is refused, as the API server refuses it on
/// create: a leftover "unconfined" must not undo a pod-wide profile.
/// </summary>
internal static class AppArmorAnnotations
{
    public const string Prefix = "container.apparmor.security.beta.kubernetes.io/";

    public static PodDefinition Apply(PodDefinition pod, Dictionary<string, string> annotations, Func<string, YNode> keyNode, ParseContext ctx)
    {
        foreach ((string key, string value) in annotations.Where(a => a.Key.StartsWith(Prefix, StringComparison.Ordinal) && a.Value.Length > 0))
        {
            YNode at = keyNode(key);
            string container = key[Prefix.Length..];
            if (!pod.AllContainers.Any(c => c.Name == container))
            {
                ctx.Error(at, $"metadata.annotations.{key}: the pod has no container \"{container}\" (it has: {string.Join(", ", pod.AllContainers.Select(c => c.Name))})");
                continue;
            }
            if (Profile(value, at) is not { } profile)
            {
                ctx.Error(at, $"metadata.annotations.{key}: \"{value}\" is not an AppArmor profile (runtime/default, localhost/NAME or unconfined)");
                continue;
            }
            AppArmorProfileRef? podField = pod.SecurityContext?.AppArmorProfile;
            pod = pod with
            {
                InitContainers = [.. pod.InitContainers.Select(c => Applied(c, container, profile, podField, key, ctx))],
                Containers = [.. pod.Containers.Select(c => Applied(c, container, profile, podField, key, ctx))],
            };
        }
        return pod;
    }

    private static ContainerDefinition Applied(ContainerDefinition c, string container, AppArmorProfileRef profile, AppArmorProfileRef? podField, string key, ParseContext ctx)
    {
        if (c.Name != container)
        {
            return c;
        }
        if ((c.SecurityContext?.AppArmorProfile ?? podField) is { } field)
        {
            if (field.Type != profile.Type || field.LocalhostProfile != profile.LocalhostProfile)
            {
                string whose = c.SecurityContext?.AppArmorProfile is null ? "the pod's" : "the container's";
                ctx.Error(profile.Line, profile.Column, $"metadata.annotations.{key}: says another AppArmor profile than {whose} securityContext.appArmorProfile (line {field.Line}); remove the annotation");
            }
            return c;
        }
        ContainerSecurityContext context = c.SecurityContext ?? new ContainerSecurityContext(null, null, false, false, null, [], []);
        return c with { SecurityContext = context with { AppArmorProfile = profile } };
    }

    private static AppArmorProfileRef? Profile(string value, YNode at) => value switch
    {
        "runtime/default" => new AppArmorProfileRef(AppArmorProfileType.RuntimeDefault, null, at.Line, at.Column),
        "unconfined" => new AppArmorProfileRef(AppArmorProfileType.Unconfined, null, at.Line, at.Column),
        _ when value.StartsWith("localhost/", StringComparison.Ordinal) && value.Length > "localhost/".Length
            && value["localhost/".Length..].All(ch => ch > ' ' && ch != '\x7f')
            => new AppArmorProfileRef(AppArmorProfileType.Localhost, value["localhost/".Length..], at.Line, at.Column),
        _ => null,
    };
}

using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// securityContext.appArmorProfile and seLinuxOptions, as Kubernetes validates them. Whether
/// the host runs AppArmor or SELinux, and whether a Localhost profile is loaded, is checked
/// when the pod is planned (Runtime/Confinement/Lsm).
/// </summary>
internal static class LsmMapper
{
    public static AppArmorProfileRef? AppArmor(Fields securityContext, ParseContext ctx)
    {
        if (ProfileFields.Read(securityContext, "appArmorProfile", KubernetesFields.AppArmorProfile, ctx) is not var (type, profile, at, f, node))
        {
            return null;
        }
        if (type == "Localhost" && string.IsNullOrEmpty(profile))
        {
            ctx.Error(at ?? f.Value("type")!, $"{f.PathOf("localhostProfile")}: required (a loaded AppArmor profile's name) when type is Localhost");
            return null;
        }
        if (type != "Localhost" && profile is not null)
        {
            ctx.Error(at!, $"{f.PathOf("localhostProfile")}: only allowed when type is Localhost");
            return null;
        }
        if (profile is not null && !Printable(profile))
        {
            ctx.Error(at!, $"{f.PathOf("localhostProfile")}: an AppArmor profile name has no spaces or control characters");
            return null;
        }
        return new AppArmorProfileRef(Enum.Parse<AppArmorProfileType>(type), profile, at?.Line ?? node.Line, at?.Column ?? node.Column);
    }

    public static SeLinuxOptions? SeLinux(Fields securityContext, ParseContext ctx)
    {
        if (securityContext.Value("seLinuxOptions") is not YNode node
            || ctx.Object(node, securityContext.PathOf("seLinuxOptions"), KubernetesFields.SeLinuxOptions) is not Fields f)
        {
            return null;
        }
        string? Part(string name, bool colons)
        {
            string? value = f.String(name);
            if (value is not null && (!Printable(value) || (!colons && value.Contains(':', StringComparison.Ordinal))))
            {
                ctx.Error(f.Value(name)!, $"{f.PathOf(name)}: \"{value}\" is not a valid SELinux {name}");
                return null;
            }
            return value;
        }
        return new SeLinuxOptions(Part("user", false), Part("role", false), Part("type", false), Part("level", true), node.Line, node.Column);
    }

    private static bool Printable(string s) => s.Length > 0 && s.All(c => c > ' ' && c != '\x7f');
}

using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Parsing;

/// <summary>
/// securityContext.seccompProfile, as Kubernetes validates it: type RuntimeDefault,
/// Unconfined or Localhost; localhostProfile set exactly for Localhost, a relative path
/// below PodUnits' profile directory (the kubelet's &lt;root-dir&gt;/seccomp) with no "..".
/// Whether the file exists is checked when the pod is planned, and by `podunits validate`
/// (<see cref="Host.HostChecks"/>).
/// </summary>
internal static class SeccompMapper
{
    public static SeccompProfileRef? Map(Fields securityContext, ParseContext ctx)
    {
        if (ProfileFields.Read(securityContext, "seccompProfile", KubernetesFields.SeccompProfile, ctx) is not var (type, localhost, at, f, node))
        {
            return null;
        }
        if (type == "Localhost")
        {
            if (localhost is null)
            {
                ctx.Error(f.Value("type")!, $"{f.PathOf("localhostProfile")}: required when type is Localhost");
                return null;
            }
            // "." too: "." or "profiles/." names a directory, never a profile (confinement review
            // of 2026-12-07, finding 6).
            if (localhost.Length == 0 || localhost.StartsWith('/') || localhost.Split('/').Any(part => part is ".." or "" or "."))
            {
                ctx.Error(at!, $"{f.PathOf("localhostProfile")}: \"{localhost}\" must be a relative path below the profile directory, without \"..\" or \".\"");
                return null;
            }
            if (ctx.HostChecks is { SeccompProfileDirectory: var directory } && !File.Exists($"{directory}/{localhost}"))
            {
                // File.Exists: a regular file (or a link to one), as a start needs it.
                ctx.Error(at!, $"{f.PathOf("localhostProfile")}: " + (Directory.Exists($"{directory}/{localhost}")
                    ? $"{directory}/{localhost} is a directory, not a profile file" : $"no such file {directory}/{localhost}") + " (a start would refuse the pod)");
            }
        }
        else if (localhost is not null)
        {
            ctx.Error(at!, $"{f.PathOf("localhostProfile")}: only allowed when type is Localhost");
            return null;
        }
        return new SeccompProfileRef(Enum.Parse<SeccompProfileType>(type), type == "Localhost" ? localhost : null,
            at?.Line ?? node.Line, at?.Column ?? node.Column);
    }
}

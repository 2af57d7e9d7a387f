using PodUnits.Core.Errors;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>
/// Stage 0: fills each container's <see cref="SeccompPlan.Program"/> before the plan is
/// written, from the built-in RuntimeDefault or a Localhost profile below
/// /var/lib/podunits/seccomp (the kubelet's &lt;root-dir&gt;/seccomp), compiled for the
/// container's bounding set (<see cref="SeccompPrograms"/> caches the result).
/// </summary>
public static class SeccompPlanner
{
    public const string ProfileDirectory = "/var/lib/podunits/seccomp";

    public static void Compile(PodPlan plan, string profileDirectory = ProfileDirectory)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (ContainerPlan c in plan.Containers)
        {
            if (c.Seccomp is not { } seccomp)
            {
                continue;
            }
            string what = $"pod {plan.Name}: container {c.Name}";
            if (seccomp.LocalhostProfile is { } relative)
            {
                string path = $"{profileDirectory}/{relative}";
                byte[] json;
                try
                {
                    json = File.ReadAllBytes(path);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    throw new BadInputException($"{seccomp.Origin}: {what}", $"seccomp profile Localhost \"{relative}\": no such file {path}");
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException or ArgumentException)
                {
                    // A directory (UnauthorizedAccessException, even for root), a symlink loop,
                    // a NUL in the name: one line naming the path, not an "internal error"
                    // (confinement review of 2026-12-07, finding 6).
                    throw new BadInputException($"{seccomp.Origin}: {what}", $"seccomp profile Localhost \"{relative}\": {path} is not a readable file");
                }
                seccomp.Program = SeccompPrograms.Get(json, path, c.Capabilities);
            }
            else
            {
                seccomp.Program = SeccompPrograms.GetRuntimeDefault(c.Capabilities);
            }
        }
    }
}

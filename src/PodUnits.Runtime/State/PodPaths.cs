namespace PodUnits.Runtime.State;

/// <summary>Where a pod's files live (DESIGN.md "Installed layout").</summary>
public static class PodPaths
{
    public const string DefinitionDirsText = "/etc/podunits/pods, /run/podunits/pods, /usr/lib/podunits/pods";
    public static readonly string[] DefinitionDirs = ["/etc/podunits/pods", "/run/podunits/pods", "/usr/lib/podunits/pods"];

    /// <summary>Runtime state of running pods (plan, pid of the pod init). Not the definitions
    /// dir /run/podunits/pods, which holds runtime pod definitions.</summary>
    public const string RuntimeRoot = "/run/podunits/state";
    public const string StateRoot = "/var/lib/podunits/pods";
    public const string RootfsRoot = "/var/lib/podunits/rootfs";

    public static string RuntimeDir(string pod) => $"{RuntimeRoot}/{pod}";
    public static string StateDir(string pod) => $"{StateRoot}/{pod}";

    /// <summary>The first NAME.yaml or NAME.yml in the search path, or null.</summary>
    public static string? FindDefinition(string pod)
    {
        foreach (string dir in DefinitionDirs)
        {
            foreach (string ext in new[] { ".yaml", ".yml" })
            {
                string path = $"{dir}/{pod}{ext}";
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }
        return null;
    }
}

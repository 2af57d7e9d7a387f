using PodUnits.Definitions;

namespace PodUnits.Cli.Commands;

/// <summary>The pods of the definition search path, for verbs that remove what a pod names
/// (an image, a named volume): they warn, or refuse, rather than leave a pod to find it gone
/// at its next start. Definitions are loaded without decrypting Secrets; one that does not
/// load names nothing.</summary>
internal static class DefinedPods
{
    public static List<string> Where(Func<PodDefinition, bool> names)
    {
        var pods = new List<string>();
        foreach ((string name, string file) in PodDefinitionSearchPath.Default.All())
        {
            if (PodDefinitionLoader.LoadFile(file, LoadOptions.Default with { DecryptSecret = null }).Pod is { } pod && names(pod))
            {
                pods.Add(name);
            }
        }
        return pods;
    }
}

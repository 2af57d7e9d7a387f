using System.Text;
using PodUnits.Definitions;

using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

/// <summary>
/// The files of a configMap, secret, downwardAPI or projected volume, by the kubelet's rules:
/// every key of an object (or only its items, each to its path), a missing optional object or
/// key left out, a file's mode its item's or else the volume's defaultMode. Pure: the objects
/// were resolved when the definition was loaded.
/// </summary>
public static class ProjectedFiles
{
    public static List<ProjectedFilePlan> Of(ProjectedVolume volume, PodDefinition pod, NodeFacts node)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(pod);
        var files = new List<ProjectedFilePlan>();
        foreach (ProjectionSource source in volume.Sources)
        {
            if (source.Fields is { } fields)
            {
                files.AddRange(fields.Select(f => new ProjectedFilePlan
                {
                    Path = f.Path,
                    Content = Encoding.UTF8.GetBytes(DownwardValues.Of(f.Field, pod, node)),
                    Mode = f.Mode ?? volume.DefaultMode,
                }));
                continue;
            }
            if (source.ObjectKind is not { } kind || pod.FindObject(kind, source.Name!) is not ConfigObject o)
            {
                continue; // optional and absent
            }
            IEnumerable<KeyToPath> items = source.Items ?? o.Data.Keys.Order(StringComparer.Ordinal).Select(k => new KeyToPath(k, k, null));
            foreach (KeyToPath item in items)
            {
                if (o.Data.TryGetValue(item.Key, out byte[]? content))
                {
                    files.Add(new ProjectedFilePlan { Path = item.Path, Content = content, Mode = item.Mode ?? volume.DefaultMode });
                }
            }
        }
        return files;
    }
}

using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

/// <summary>
/// The files of a configMap, secret, downwardAPI or projected volume, by the kubelet's rules:
/// every key of an object (or only its items, each to its path), a missing optional object or
/// key left out, a file's mode its item's or else the volume's defaultMode. When two sources
/// write the same file the later one wins, as the kubelet merges a projected volume's sources
/// (base and override ConfigMaps); a file where another source needs a directory is an error
/// (the kubelet fails such a volume too). Pure: the objects were resolved when the definition
/// was loaded.
/// </summary>
public static class ProjectedFiles
{
    /// <param name="name">The volume's name, for errors.</param>
    public static List<ProjectedFilePlan> Of(string name, ProjectedVolume volume, PodDefinition pod, NodeFacts node)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(pod);
        var files = new Files(name);
        foreach (ProjectionSource source in volume.Sources)
        {
            if (source.Fields is { } fields)
            {
                foreach (DownwardFile f in fields)
                {
                    files.Add(new ProjectedFilePlan
                    {
                        Path = f.Path,
                        Content = Encoding.UTF8.GetBytes(DownwardValues.Of(f.Field, pod, node)),
                        Mode = f.Mode ?? volume.DefaultMode,
                    });
                }
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
        return files.Checked();
    }

    /// <summary>The volume's files by clean path, in the order first written.</summary>
    private sealed class Files(string volume)
    {
        private readonly List<ProjectedFilePlan> _files = [];
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public void Add(ProjectedFilePlan file)
        {
            string path = ProjectedVolume.CleanPath(file.Path);
            file = new ProjectedFilePlan { Path = path, Content = file.Content, Mode = file.Mode };
            if (_index.TryGetValue(path, out int at))
            {
                _files[at] = file; // the later source wins
            }
            else
            {
                _index[path] = _files.Count;
                _files.Add(file);
            }
        }

        public List<ProjectedFilePlan> Checked()
        {
            string[] paths = [.. _index.Keys.Order(StringComparer.Ordinal)];
            for (int i = 0; i + 1 < paths.Length; i++)
            {
                // Sorted, the paths inside paths[i] are among those right after it that start with it.
                for (int j = i + 1; j < paths.Length && paths[j].StartsWith(paths[i], StringComparison.Ordinal); j++)
                {
                    if (paths[j].Length > paths[i].Length && paths[j][paths[i].Length] == '/')
                    {
                        throw new BadInputException($"volume {volume}",
                            $"one source writes the file \"{paths[i]}\" and another \"{paths[j]}\" inside it: a path cannot be a file and a directory");
                    }
                }
            }
            return _files;
        }
    }
}

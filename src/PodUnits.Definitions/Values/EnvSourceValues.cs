using System.Text;

namespace PodUnits.Definitions;

/// <summary>
/// The values behind envFrom and env[].valueFrom for one pod, by the kubelet's rules: an
/// object's keys become variables (with the prefix) in envFrom order, keys that are not valid
/// variable names are skipped (the kubelet skips them with an event; see docs/configuration.md),
/// a missing optional object or key leaves the variable out, and values are used as they
/// are: never $(VAR)-expanded.
/// </summary>
public sealed class EnvSourceValues(PodDefinition pod, Func<NodeFacts> node)
{
    /// <summary>The variables <paramref name="container"/>'s envFrom gives, in order.</summary>
    public IEnumerable<KeyValuePair<string, string>> EnvFrom(ContainerDefinition container)
    {
        ArgumentNullException.ThrowIfNull(container);
        foreach (EnvFromSource source in container.EnvFrom)
        {
            if (pod.FindObject(source.Kind, source.Name) is not ConfigObject o)
            {
                continue; // optional and absent (a required one was checked when loading)
            }
            foreach ((string key, byte[] value) in o.Data.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                string name = source.Prefix + key;
                if (o.IsEnvKey(key) && Names.ExplainEnvName(name) is null && ConfigObject.IsEnvText(value))
                {
                    yield return new(name, Encoding.UTF8.GetString(value));
                }
            }
        }
    }

    /// <summary>The value of a valueFrom source, or null when it is left unset.</summary>
    public string? ValueFrom(EnvSource source) => source switch
    {
        ObjectKeyRef r => pod.FindObject(r.Kind, r.Name) is ConfigObject o && o.IsEnvKey(r.Key) && o.Data.TryGetValue(r.Key, out byte[]? v) && ConfigObject.IsEnvText(v)
            ? Encoding.UTF8.GetString(v)
            : null,
        _ => DownwardValues.Of(source, pod, node()), // host facts are gathered only when a pod asks
    };
}

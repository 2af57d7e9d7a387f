namespace PodUnits.Definitions;

/// <summary>What a container runs, resolved the way Kubernetes documents it.</summary>
/// <param name="Argv">The program and its arguments.</param>
/// <param name="Environment">The full environment, image variables first, then the
/// container's (a container variable overrides an image one of the same name).</param>
public sealed record ContainerProcess(IReadOnlyList<string> Argv, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>
    /// Combines a container with its image's config. command replaces the image ENTRYPOINT and
    /// args its CMD; a command without args ignores the image CMD. env values are expanded in
    /// order, each seeing the variables before it; command and args see the whole environment.
    /// PodUnits extension: the image's ENV is visible to $(VAR) too (Kubernetes' kubelet does not
    /// know it), since here the image config is at hand and users expect $(PATH) to work.
    /// envFrom comes before env, and valueFrom values are taken as they are
    /// (<paramref name="sources"/>; without it, a container must use neither).
    /// </summary>
    public static ContainerProcess Resolve(ContainerDefinition container,
        IReadOnlyList<string>? imageEntrypoint, IReadOnlyList<string>? imageCmd,
        IReadOnlyList<KeyValuePair<string, string>> imageEnv, EnvSourceValues? sources = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string name, string value)
        {
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }
            values[name] = value;
        }
        foreach ((string name, string value) in imageEnv)
        {
            Set(name, value);
        }
        if (container.EnvFrom.Count > 0 || container.Env.Any(e => e.From is not null))
        {
            ArgumentNullException.ThrowIfNull(sources);
        }
        foreach ((string name, string value) in container.EnvFrom.Count == 0 ? [] : sources!.EnvFrom(container))
        {
            Set(name, value);
        }
        foreach (EnvVar e in container.Env)
        {
            if (e.From is null)
            {
                Set(e.Name, EnvExpansion.Expand(e.Value, n => values.GetValueOrDefault(n), $"env {e.Name} of container {container.Name}"));
            }
            else if (sources!.ValueFrom(e.From) is string value)
            {
                Set(e.Name, value);
            }
        }
        string? Lookup(string n) => values.GetValueOrDefault(n);

        IEnumerable<string> program = container.Command is { } command
            ? command.Select(c => EnvExpansion.Expand(c, Lookup, $"the command of container {container.Name}"))
            : imageEntrypoint ?? [];
        IEnumerable<string> arguments = container.Args is { } args
            ? args.Select(a => EnvExpansion.Expand(a, Lookup, $"the args of container {container.Name}"))
            : container.Command is null ? imageCmd ?? [] : [];
        return new ContainerProcess(
            [.. program, .. arguments],
            [.. order.Select(n => new KeyValuePair<string, string>(n, values[n]))]);
    }
}

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Finds the program a container runs: argv[0] is looked up in PATH inside the container's
/// root when it has no slash, as execvp would. (Which argv, from command/args and the
/// image's ENTRYPOINT/CMD, is decided by the definitions' ContainerProcess.Resolve.)
/// </summary>
public static class CommandResolver
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The absolute path execve should run for <paramref name="name"/>, or null when there is
    /// none. <paramref name="isExecutableFile"/> answers for a path inside the container's root.
    /// </summary>
    public static string? Lookup(string name, string? pathVariable, Func<string, bool> isExecutableFile)
    {
        ArgumentNullException.ThrowIfNull(isExecutableFile);
        return Candidates(name, pathVariable).FirstOrDefault(isExecutableFile);
    }

    /// <summary>The paths execvp would try for <paramref name="name"/>, in order: the name
    /// itself when it has a slash, else each PATH directory's entry of that name.</summary>
    public static IEnumerable<string> Candidates(string name, string? pathVariable)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return [];
        }
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return [name];
        }
        return (pathVariable ?? DefaultPath).Split(':').Select(dir => (dir.Length == 0 ? "." : dir).TrimEnd('/') + "/" + name);
    }

    /// <summary>PATH from a "K=V" environment list, or null.</summary>
    public static string? PathOf(IEnumerable<string> env) =>
        env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..];
}

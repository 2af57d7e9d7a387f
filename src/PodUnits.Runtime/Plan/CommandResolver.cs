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
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(isExecutableFile);
        if (name.Length == 0)
        {
            return null;
        }
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return isExecutableFile(name) ? name : null;
        }
        foreach (string dir in (pathVariable ?? DefaultPath).Split(':'))
        {
            string candidate = (dir.Length == 0 ? "." : dir).TrimEnd('/') + "/" + name;
            if (isExecutableFile(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>PATH from a "K=V" environment list, or null.</summary>
    public static string? PathOf(IEnumerable<string> env) =>
        env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..];
}

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Finds the program a container runs: argv[0] is looked up in PATH inside the container's
/// root when it has no slash, as execvp would. A relative name (`./server`, `bin/app`, or a
/// name found through a relative PATH entry, an empty one being ".") is looked for in the
/// container's working directory, where execve will find it: runc enters the working
/// directory before its LookPath too. (Which argv, from command/args and the image's
/// ENTRYPOINT/CMD, is decided by the definitions' ContainerProcess.Resolve.)
/// </summary>
public static class CommandResolver
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The path execve should run for <paramref name="name"/>, or null when there is none:
    /// absolute, or relative to <paramref name="workingDirectory"/> (execve runs after the
    /// working directory is entered, and gets it as found). <paramref name="isExecutableFile"/>
    /// answers for an absolute path inside the container's root.
    /// </summary>
    public static string? Lookup(string name, string? pathVariable, string workingDirectory, Func<string, bool> isExecutableFile)
    {
        ArgumentNullException.ThrowIfNull(isExecutableFile);
        return Candidates(name, pathVariable).FirstOrDefault(candidate => isExecutableFile(InWorkingDirectory(candidate, workingDirectory)));
    }

    /// <summary>Where <paramref name="candidate"/> is as the command's execve sees it: a
    /// relative one in <paramref name="workingDirectory"/> (absolute: the plan's workingDir or
    /// the image's WORKDIR, "/" by default). Checked against "/" instead, `./server` of an
    /// image with WORKDIR /app was "not found" (127), or ran /app/server after a /server
    /// passed the check (stage 1 native review of 2026-12-07, finding 4).</summary>
    public static string InWorkingDirectory(string candidate, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(workingDirectory);
        return candidate.StartsWith('/') ? candidate : $"{workingDirectory.TrimEnd('/')}/{candidate}";
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

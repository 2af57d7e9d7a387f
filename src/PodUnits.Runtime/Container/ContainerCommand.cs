using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Container;

/// <summary>
/// The last steps of every process PodUnits starts inside a container, the container's own
/// command (container-start) and `podunits enter` / exec probes (container-exec) alike: find
/// the executable on the container's PATH inside its root (a relative name in its working
/// directory), then hand over to the native last steps (<see cref="ExecSpec"/>,
/// src/PodUnits.Stage1/Native/become.c): the working directory, the container's confinement
/// and execve with the environment from the plan. Runs after the
/// process is in the container's mount namespace. Returns only when the command could not be
/// started: 127 not found, 126 not executable, 125 set-up failed.
/// </summary>
internal static class ContainerCommand
{
    public const int SetupFailed = 125;
    public const int NotExecutable = 126;
    public const int NotFound = 127;

    /// <param name="confine">False only for `podunits enter --privileged`.</param>
    /// <param name="passedFds">The activation sockets the command gets at 3.. (ExecSpec).</param>
    public static int Exec(ContainerPlan c, IReadOnlyList<string> argv, IReadOnlyList<string> env, bool confine, Action<string> report, int passedFds = 0)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Spec(c, argv, env, confine, IsExecutableFile, Path.Exists, report, out int failure, passedFds) is not { } spec)
        {
            return failure;
        }
        SetupSteps.Done("command lookup");
        int code = Stage1Native.Become(spec, SetupSteps.Carried(), out string error);
        report(error);
        return code;
    }

    /// <summary>The exec spec for <paramref name="argv"/>, or null (reported, with the exit
    /// status in <paramref name="failure"/>) when its executable is not on the container's
    /// PATH: 127 when nothing is there, 126 when something is but cannot run (a file without
    /// an execute bit, a directory), as a shell and podman say. <paramref name="isExecutable"/>
    /// and <paramref name="exists"/> tell about an absolute path as the container sees it: a
    /// relative name is asked about in the container's working directory.</summary>
    public static byte[]? Spec(ContainerPlan c, IReadOnlyList<string> argv, IReadOnlyList<string> env, bool confine,
        Func<string, bool> isExecutable, Func<string, bool> exists, Action<string> report, out int failure, int passedFds = 0)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(report);
        string? pathVariable = CommandResolver.PathOf(env);
        // A relative name is looked for in the working directory, not in "/" where this
        // process stands, and execve gets it unchanged once become.c has entered that
        // directory (stage 1 native review of 2026-12-07, finding 4).
        string? path = CommandResolver.Lookup(argv[0], pathVariable, c.WorkingDir, isExecutable);
        if (path is null)
        {
            string? present = CommandResolver.Candidates(argv[0], pathVariable)
                .Select(candidate => CommandResolver.InWorkingDirectory(candidate, c.WorkingDir)).FirstOrDefault(exists);
            report(present is null
                ? $"container {c.Name}: executable \"{argv[0]}\" not found in image{InWorkingDirectory(argv[0], c.WorkingDir)}"
                : $"container {c.Name}: \"{present}\" is not executable (no execute permission, or not a file)");
            failure = present is null ? NotFound : NotExecutable;
            return null;
        }
        failure = 0;
        return ExecSpec.Build(c, path, argv, env, confine, passedFds);
    }

    /// <summary>Where a relative name with a slash was looked for, for the "not found" line.</summary>
    private static string InWorkingDirectory(string name, string workingDirectory) =>
        !name.StartsWith('/') && name.Contains('/', StringComparison.Ordinal) ? $" (in the working directory {workingDirectory})" : "";

    public static bool IsExecutableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists &&
                (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

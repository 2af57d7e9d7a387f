using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// The last steps of every process PodUnits starts inside a container, the container's own
/// command (container-start) and `podunits enter` / exec probes (container-exec) alike: find
/// the executable on the container's PATH inside its root, enter the working directory, take
/// on the container's confinement (<see cref="ContainerSecurity"/>) and execve with the
/// environment from the plan. Runs after the process is in the container's mount namespace.
/// Returns only when the command could not be started: 127 not found, 126 not executable.
/// </summary>
internal static unsafe class ContainerCommand
{
    public const int SetupFailed = 125;
    public const int NotExecutable = 126;
    public const int NotFound = 127;

    /// <param name="confine">False only for `podunits enter --privileged`.</param>
    public static int Exec(ContainerPlan c, IReadOnlyList<string> argv, IReadOnlyList<string> env, bool confine, Action<string> report)
    {
        string? path = CommandResolver.Lookup(argv[0], CommandResolver.PathOf(env), IsExecutableFile);
        if (path is null)
        {
            report($"container {c.Name}: executable \"{argv[0]}\" not found in image");
            return NotFound;
        }
        Directory.CreateDirectory(c.WorkingDir);
        Check.Io(LibcExtra.chdir(c.WorkingDir), "chdir", c.WorkingDir);
        SetupSteps.Done("command lookup");
        if (confine)
        {
            ContainerSecurity.Apply(c);
        }
        byte** argvPtr = Spawner.ToCStrings(argv);
        byte** envPtr = Spawner.ToCStrings(env);
        nint pathPtr = Marshal.StringToCoTaskMemUTF8(path);
        if (SetupSteps.Summary(c.Name) is { } timings)
        {
            report(timings); // stderr is the container's: the journal keeps it with the container's name
        }
        LibcExtra.execve((byte*)pathPtr, argvPtr, envPtr);
        int errno = Marshal.GetLastPInvokeError();
        report($"container {c.Name}: cannot execute \"{path}\": {Marshal.GetPInvokeErrorMessage(errno)}");
        return errno == 2 ? NotFound : NotExecutable;
    }

    private static bool IsExecutableFile(string path)
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

using System.Runtime.InteropServices;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// The last step before a container runs (hidden verb <c>container-start</c>, spawned by the
/// pod init in the pod's namespaces): wait until the executor has put this process into the
/// container's scope (fd 3), build the container's mount namespace and root, drop privileges
/// and execve the container's command. Fd 4 tells the pod init how that went: it is
/// close-on-exec, so a successful execve closes it with nothing written (the container runs:
/// READY may follow), while every failure writes one byte to it first. Everything from
/// unshare to execve runs on one thread: unshare(CLONE_NEWNS) and capabilities are per
/// thread, and execve keeps that thread's.
/// </summary>
public static unsafe class ContainerStart
{
    public const int SyncFd = 3;
    public const int ExecFd = 4;
    public const int SetupFailed = 125;
    public const int NotExecutable = 126;
    public const int NotFound = 127;

    public static int Run(string planPath, string containerName)
    {
        Check.Io(LibcExtra.fcntl(ExecFd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD");
        int code = SetUpAndExec(planPath, containerName); // returns only when the container could not start
        byte failed = 1;
        LibcExtra.write(ExecFd, &failed, 1);
        return code;
    }

    private static int SetUpAndExec(string planPath, string containerName)
    {
        PodPlan pod = JsonSerializer.Deserialize(File.ReadAllText(planPath), PlanJsonContext.Default.PodPlan)!;
        ContainerPlan c = pod.Containers.Single(x => x.Name == containerName);
        byte go;
        if (LibcExtra.read(SyncFd, &go, 1) != 1)
        {
            return SetupFailed; // the pod stopped before this container was placed in its scope
        }
        LibcExtra.close(SyncFd);
        try
        {
            Check.Io(LibcExtra.unshare(LibcExtra.CLONE_NEWNS), "unshare CLONE_NEWNS");
            ContainerMounts.EnterRoot(pod, c);
            string? path = CommandResolver.Lookup(c.Argv[0], CommandResolver.PathOf(c.Env), IsExecutableFile);
            if (path is null)
            {
                Console.Error.WriteLine($"container {c.Name}: executable \"{c.Argv[0]}\" not found in image");
                return NotFound;
            }
            Directory.CreateDirectory(c.WorkingDir);
            Check.Io(LibcExtra.chdir(c.WorkingDir), "chdir", c.WorkingDir);
            ContainerSecurity.Apply(c);
            byte** argv = Spawner.ToCStrings(c.Argv);
            byte** envp = Spawner.ToCStrings(c.Env);
            nint pathPtr = Marshal.StringToCoTaskMemUTF8(path);
            LibcExtra.execve((byte*)pathPtr, argv, envp);
            int errno = Marshal.GetLastPInvokeError();
            Console.Error.WriteLine($"container {c.Name}: cannot execute \"{path}\": {Marshal.GetPInvokeErrorMessage(errno)}");
            return errno == 2 ? NotFound : NotExecutable;
        }
        catch (Exception e) when (e is PodUnitsException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"container {c.Name}: {e.Message}");
            return SetupFailed;
        }
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

using PodUnits.Runtime.Executor;

namespace PodUnits.Runtime.State;

/// <summary>
/// Whether processes of a pod still run, read from its cgroups. A pod's claim (flock) is
/// released when its executor dies, but its processes may not be gone with it: after a
/// SIGKILL of the executor the pod init goes on stopping the containers for up to their
/// grace period (a pod in a scope of its own, `podunits run`), and a task stuck in the
/// kernel outlives even a SIGKILL. Until they are gone their writable layers, volumes,
/// network and user-namespace IDs are theirs: a start, `stop`, gc and a pod taking over a
/// hostPort look here before they release or reuse any of it.
/// </summary>
public static class PodProcesses
{
    /// <summary>The hierarchies where a unit's cgroup may be: cgroup v2, or v1's systemd ones.</summary>
    public static readonly IReadOnlyList<string> CgroupRoots = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd"];

    /// <summary>Whether a process of <paramref name="pod"/> runs in its containers' slice or
    /// in its own scope (<see cref="AdHocScope"/>: the pod init of a pod run by hand).</summary>
    public static bool AnyLeft(string pod) =>
        InCgroup(ContainerUnits.SliceCgroupPath(pod)) || InCgroup($"/machine.slice/{AdHocScope.Name(pod)}");

    /// <summary>Waits up to <paramref name="patience"/> until <see cref="AnyLeft"/> is false;
    /// false if processes are still there then.</summary>
    public static bool NoneLeftWithin(string pod, TimeSpan patience)
    {
        long deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
        while (AnyLeft(pod))
        {
            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>Whether a process is in the cgroup or any below it, in the first hierarchy
    /// that has it (no cgroup: nothing runs there).</summary>
    public static bool InCgroup(string? controlGroup) => AnyInCgroup(controlGroup, _ => true);

    /// <summary>Whether a pod's executor (`podunits-stage1 run ...`) is in the unit's cgroup:
    /// a pod's own scope without one outlived its killed executor (status and gc).</summary>
    public static bool HasExecutor(string? controlGroup) => AnyInCgroup(controlGroup, pid =>
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return argv.Length > 1 && Path.GetFileName(argv[0]) == Stage1.FileName && argv[1] == "run";
        }
        catch (IOException)
        {
            return false; // gone meanwhile
        }
    });

    private static bool AnyInCgroup(string? controlGroup, Func<string, bool> matches)
    {
        if (controlGroup is null || CgroupRoots.Select(root => root + controlGroup).FirstOrDefault(Directory.Exists) is not { } dir)
        {
            return false;
        }
        try
        {
            return Directory.EnumerateFiles(dir, "cgroup.procs", SearchOption.AllDirectories)
                .Any(procs => File.ReadAllText(procs).Split('\n', StringSplitOptions.RemoveEmptyEntries).Any(matches));
        }
        catch (IOException)
        {
            return true; // changing under us: something is there
        }
    }
}

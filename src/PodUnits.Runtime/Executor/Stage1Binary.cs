using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// The stage 1 executable as stage 0 found it when it started: its path and the file
/// (device, inode) there then. Stage 0 may spend minutes pulling images before it hands the
/// pod over, and a package upgrade meanwhile renames a new podunits-stage1 into the path; the
/// exec then ran the new stage 1 with the old version's plan, argv and descriptors, which it
/// may read differently (a plan property it lacks is defaulted). Stage 1 spawning itself is
/// pinned by /proc/self/exe (<see cref="Stage1.Self"/>); this hand-off is checked instead: a
/// file that changed fails the start, not status 2, so that Restart= (or the next start) runs
/// the new version from the beginning (packaging review of 2026-12-07, finding 3). Not a
/// bind of the file itself, which would pin it: the process would lose its name and its
/// /proc/PID/exe (<see cref="Stage1.ReadOnlyView"/>).
/// </summary>
public sealed class Stage1Binary
{
    private readonly (ulong Device, ulong Inode) _file;

    private Stage1Binary(string path, (ulong, ulong) file)
    {
        Path = path;
        _file = file;
    }

    public string Path { get; }

    /// <summary>The installed helper (<see cref="Stage1.Locate"/>), as it is now.</summary>
    public static Stage1Binary Locate() => At(Stage1.Locate());

    public static Stage1Binary At(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Stage1Binary(path, Identify(path) ?? throw new PodUnitsException("podunits run", $"{path}: cannot be read"));
    }

    /// <summary>The path to exec: <see cref="Stage1.ReadOnlyView"/> of the file, once it is
    /// checked to be the file found at the start.</summary>
    public string View()
    {
        string view = Stage1.ReadOnlyView(Path);
        EnsureUnchanged(view);
        return view;
    }

    /// <summary>Throws when <paramref name="seen"/> is not the file found at the start. The
    /// window left, between this look and the exec's, is a moment instead of the start's
    /// minutes.</summary>
    public void EnsureUnchanged(string seen)
    {
        ArgumentNullException.ThrowIfNull(seen);
        if (Identify(seen) != _file)
        {
            throw new PodUnitsException("podunits run",
                $"{Path} was replaced (an upgrade of podunits?) while the pod was starting; starting it again runs the new version");
        }
    }

    private static unsafe (ulong, ulong)? Identify(string path)
    {
        using var native = new Core.Native.CString(path);
        Tmds.Linux.stat status;
        return Tmds.Linux.LibC.stat(native, &status) == 0 ? ((ulong)status.st_dev, (ulong)status.st_ino) : null;
    }
}

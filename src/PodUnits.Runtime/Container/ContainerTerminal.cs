using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// A pseudo-terminal for a container's command (`podunits run -it`, container-start) or a
/// process entering a container (`podunits enter -t`, container-exec), allocated from
/// the container's own devpts instance, as runc and podman do: the process gets the slave as
/// its controlling terminal and stdin/stdout/stderr, and the launcher gets the master over the
/// control socket and relays it to the administrator's terminal. So container code never
/// holds a descriptor of the administrator's terminal, and TIOCSTI on its own terminal only
/// types into itself.
/// </summary>
internal static unsafe class ContainerTerminal
{
    /// <param name="root">Where the container's root is seen from here: "" once entered.</param>
    /// <param name="what">Who asks, for messages.</param>
    /// <param name="owner">The command's user, as seen from here: the terminal becomes its, as
    /// runc's fixStdioPermissions makes it, so a non-root command can open its own terminal
    /// again ($(tty), /dev/stdin, screen, script); the devpts made it root's.</param>
    /// <param name="controlling">Whether this process takes the slave as its controlling
    /// terminal; container-exec's command does that itself, in the session it makes after its
    /// fork (enter.c).</param>
    public static void Attach(ControlChannel control, string root, string what, uint owner, bool controlling = true)
    {
        // As the container sees it, for messages too: root may be a /proc/self/fd path.
        const string ptmx = "/dev/pts/ptmx";
        int master = root.Length == 0 ? OpenEntered(ptmx) : OpenBelow(root, ptmx);
        try
        {
            int unlock = 0;
            Check.Io(LibcExtra.ioctl(master, LibcExtra.TIOCSPTLCK, &unlock), "ioctl TIOCSPTLCK", ptmx);
            int slave = Check.Io(LibcExtra.ioctl_int(master, LibcExtra.TIOCGPTPEER, LibcExtra.O_RDWR | LibcExtra.O_NOCTTY),
                "ioctl TIOCGPTPEER", ptmx);
            if (owner != 0)
            {
                Check.Io(Tmds.Linux.LibC.fchown(slave, owner, uint.MaxValue), "fchown", $"the terminal of {what}");
            }
            if (!control.Send(new ExecControlMessage.Pty(), [master]))
            {
                throw new PodUnitsException(what, "the terminal's other end is gone");
            }
            // ...and waits until it has given the pty the caller's window size, which the
            // command may read as its first act.
            if (control.ReceiveExecMessage(out int[] fds) is not ExecControlMessage.Sized || fds.Length > 0)
            {
                Array.ForEach(fds, fd => LibcExtra.close(fd));
                throw new PodUnitsException(what, "the terminal's other end is gone");
            }
            // The launcher spawned us as the leader of a session without a terminal: the slave
            // becomes its controlling terminal, and stdin, stdout and stderr of the command.
            if (controlling)
            {
                Check.Io(LibcExtra.ioctl_int(slave, LibcExtra.TIOCSCTTY, 0), "ioctl TIOCSCTTY");
            }
            for (int fd = 0; fd <= 2; fd++)
            {
                Check.Io(Tmds.Linux.LibC.dup2(slave, fd), "dup2");
            }
            LibcExtra.close(slave);
        }
        finally
        {
            LibcExtra.close(master);
        }
    }

    private const int OpenFlags = LibcExtra.O_RDWR | LibcExtra.O_NOCTTY | LibcExtra.O_CLOEXEC;

    /// <summary>The ptmx of a process that has entered the container: its /dev/pts is the
    /// container's own view, so a link there resolves inside the container.</summary>
    private static int OpenEntered(string ptmx)
    {
        int master = Check.Io(LibcExtra.open(ptmx, OpenFlags, 0), "open", ptmx);
        // /dev/pts is a devpts PodUnits mounted; refuse anything else the container put there.
        if (LibcExtra.FileSystemType(master) != LibcExtra.DEVPTS_SUPER_MAGIC)
        {
            LibcExtra.close(master);
            throw NotDevpts(ptmx);
        }
        return master;
    }

    /// <summary>
    /// The ptmx of a container whose root is not entered: one built but not yet entered (a pod
    /// with its own user namespace), opened by container-start as host root while its mount
    /// namespace still holds the host's tree, or a running container's, seen by container-exec
    /// through /proc/PID/root. By host path, a volume over /dev/pts could make "ptmx" a link to
    /// a host device or FIFO, opened read-write before any check: a /dev/watchdog armed that
    /// way can reboot the host (user-namespace review of 2026-12-07, finding 6). So it is
    /// resolved inside the root (RESOLVE_IN_ROOT, no magic links) to an O_PATH descriptor,
    /// which opens nothing, checked to be on devpts, and only then opened through that
    /// descriptor.
    /// </summary>
    private static int OpenBelow(string root, string ptmx)
    {
        using var inRoot = new ContainerRoot(root);
        if (inRoot.TryExisting(ptmx) is not { } found)
        {
            throw NotDevpts(ptmx);
        }
        using var path = new Fd(found.Fd);
        if (found.IsDirectory || LibcExtra.FileSystemType(found.Fd) != LibcExtra.DEVPTS_SUPER_MAGIC)
        {
            throw NotDevpts(ptmx);
        }
        string reopened = ContainerRoot.ProcFd(found.Fd);
        return Check.Io(LibcExtra.open(reopened, OpenFlags, 0), "open", ptmx);
    }

    private static PodUnitsException NotDevpts(string ptmx) => new(ptmx, "is not on the container's devpts");
}

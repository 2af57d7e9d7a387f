using PodUnits.Core.Files;
using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;
using Tmds.Linux;

namespace PodUnits.Runtime.Attach;

/// <summary>
/// `run -i` without `-t` from a terminal: the container's stdin is a pipe this process fills
/// from the caller's terminal, as conmon gives a `podman run -i` container a pipe. Handed the
/// terminal itself, container code could change the caller's terminal modes (`stty -echo`
/// outlived the pod), set O_NONBLOCK on the shell's stdin, write past the journal onto the
/// screen, and go on reading what was typed at the shell after a Ctrl-Z (review of
/// 2026-12-05). The same pipe stands in for a file, a directory or a device as the caller's
/// stdin: that descriptor is the host's tree on a read-write mount, and a root container
/// could truncate and rewrite the file through /proc/self/fd/0, fchmod or fchown it, or
/// openat(0, ...) below a directory, outside its root (the CVE-2024-21626 class; stage 1
/// native review of 2026-12-07, finding 3). Only a pipe or a socket, whose other end is the
/// caller's and which leads nowhere else, is passed on as it is, as conmon relays every
/// other stdin.
/// </summary>
public static unsafe class CallerInput
{
    /// <summary>The descriptor to give the pod (or `enter`'s command) as its stdin: 0 when fd 0
    /// is a pipe or a socket (or not open), else the read end of a pipe fed from fd 0 (the
    /// caller closes it once the pod has it).</summary>
    public static int ForPod()
    {
        bool terminal = LibcExtra.isatty(0) == 1;
        if (!terminal && (TypeOf(0) is not uint type || PassedAsItIs(type, LibcExtra.FileSystemType(0))))
        {
            return 0;
        }
        (int read, int write) = Spawner.Pipe();
        new Thread(() => Copy(write, terminal)) { IsBackground = true, Name = "caller input" }.Start();
        return read;
    }

    /// <summary>Whether a stdin of this file type (stat's S_IFMT bits) on this file system
    /// (statfs f_type) goes to container code as it is: an anonymous pipe (pipefs) or a socket.
    /// A file, a directory, a device, and a named FIFO (`< /srv/fifo`, a node of the host's
    /// tree that fchmod through /proc/self/fd/0 would change) are copied through a pipe.</summary>
    public static bool PassedAsItIs(uint type, long fileSystem) =>
        type is FileTypes.Socket || (type is FileTypes.Fifo && fileSystem == PipeFsMagic);

    /// <summary>PIPEFS_MAGIC (linux/magic.h): the kernel's own file system of anonymous pipes.</summary>
    private const long PipeFsMagic = 0x50495045;

    private static uint? TypeOf(int fd)
    {
        stat status;
        return LibC.fstat(fd, &status) == 0 ? (uint)status.st_mode & FileTypes.Mask : null;
    }

    /// <summary>Fd 0's bytes into the pipe until it ends (a terminal: Ctrl-D at a line's start
    /// reads 0, a hang-up EIO; a file at its end; a directory at once, EISDIR) or the pod's end
    /// of the pipe is gone (EPIPE); then the pipe's end, which the container reads as the end
    /// of its input.</summary>
    private static void Copy(int pipe, bool terminal)
    {
        byte[] buffer = new byte[terminal ? 4096 : 65536];
        try
        {
            while ((terminal ? ReadInTheForeground(buffer) : TerminalIo.Read(0, buffer)) is int n and > 0
                && TerminalIo.WriteAll(pipe, buffer.AsSpan(0, n)))
            {
            }
        }
        finally
        {
            _ = LibcExtra.close(pipe);
        }
    }

    /// <summary>A read from a background job stops the whole process (SIGTTIN), and this one
    /// is the pod's executor: while the shell has the job in the background, it waits for
    /// `fg`, as the shell would.</summary>
    private static int ReadInTheForeground(byte[] buffer)
    {
        while (!InTheForeground())
        {
            Thread.Sleep(200);
        }
        return TerminalIo.Read(0, buffer);
    }

    /// <summary>Whether this process's group is the terminal's foreground group (or the
    /// terminal has none: then a read raises no SIGTTIN either).</summary>
    private static bool InTheForeground()
    {
        int group = 0;
        return LibcExtra.ioctl(0, LibcExtra.TIOCGPGRP, &group) != 0 || group == LibC.getpgid(0);
    }
}

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
/// 2026-12-05). A pipe or a file as the caller's stdin is passed on as it is: nothing of it
/// reaches back to anyone.
/// </summary>
public static unsafe class CallerInput
{
    /// <summary>The descriptor to give the pod as its stdin: the read end of a pipe fed from
    /// fd 0 when fd 0 is a terminal (the caller closes it once the pod has it), else 0.</summary>
    public static int ForPod()
    {
        if (LibcExtra.isatty(0) != 1)
        {
            return 0;
        }
        (int read, int write) = Spawner.Pipe();
        new Thread(() => Copy(write)) { IsBackground = true, Name = "caller input" }.Start();
        return read;
    }

    /// <summary>The terminal's bytes into the pipe until the terminal ends (Ctrl-D at a line's
    /// start reads 0; a hang-up, EIO) or the pod's end of the pipe is gone (EPIPE); then the
    /// pipe's end, which the container reads as the end of its input.</summary>
    private static void Copy(int pipe)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (ReadInTheForeground(buffer) is int n and > 0 && TerminalIo.WriteAll(pipe, buffer.AsSpan(0, n)))
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

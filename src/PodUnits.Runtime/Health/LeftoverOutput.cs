using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Runtime.Health;

/// <summary>
/// The output pipes of hook and probe commands that ended while a process they started still
/// holds the pipe (`sh -c 'reloader &'`, a daemon a postStart hook starts): read and dropped
/// on one thread of the executor until that process closes its end, as a terminal takes
/// what a job left in the background writes. Closing the read end instead would kill such a
/// process at its next write (SIGPIPE, at its default in the command's children), and leaving
/// it unread would stop it once the pipe is full. The executor's CPU is the pod service's, not
/// the container's (whose limits do not count it), so the thread reads at most
/// <see cref="ReadsPerSecond"/> times a second, 4 KiB a pipe each time: a writer that never
/// pauses is slowed down to about 400 KiB/s (it waits on its full pipe), not killed and not
/// given a core. At most <see cref="MaxAdopted"/> pipes at once; beyond that the pipe is
/// closed, and what still holds it gets SIGPIPE at its next write.
/// </summary>
internal static unsafe class LeftoverOutput
{
    internal const int MaxAdopted = 256;
    private const int ReadsPerSecond = 100;

    private static readonly Lock s_lock = new();
    private static readonly List<int> s_fds = []; // under s_lock
    private static int s_wake = -1; // an eventfd: a pipe was adopted (under s_lock)

    /// <summary>How many pipes are read now (for the tests).</summary>
    internal static int Count
    {
        get
        {
            lock (s_lock)
            {
                return s_fds.Count;
            }
        }
    }

    /// <summary>Takes <paramref name="fd"/> (a pipe's read end) over: it is read until its end, then closed.</summary>
    public static void Adopt(int fd)
    {
        lock (s_lock)
        {
            if (s_fds.Count >= MaxAdopted)
            {
                LibcExtra.close(fd);
                return;
            }
            if (s_wake < 0)
            {
                s_wake = Check.Io(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK), "eventfd");
                new Thread(Drain) { IsBackground = true, Name = "leftover output" }.Start();
            }
            s_fds.Add(fd);
            ulong one = 1;
            _ = LibcExtra.write(s_wake, (byte*)&one, sizeof(ulong));
        }
    }

    private static void Drain()
    {
        byte* buffer = stackalloc byte[4096];
        var wait = new pollfd[MaxAdopted + 1];
        while (true)
        {
            int count;
            lock (s_lock)
            {
                wait[0] = new pollfd { fd = s_wake, events = LibC.POLLIN };
                count = s_fds.Count;
                for (int i = 0; i < count; i++)
                {
                    wait[i + 1] = new pollfd { fd = s_fds[i], events = LibC.POLLIN };
                }
            }
            int ready;
            fixed (pollfd* p = wait)
            {
                ready = LibC.poll(p, (uint)(count + 1), -1);
            }
            if (ready <= 0)
            {
                continue; // interrupted
            }
            if (wait[0].revents != 0)
            {
                ulong added;
                _ = LibcExtra.read(wait[0].fd, (byte*)&added, sizeof(ulong));
            }
            bool busy = false;
            for (int i = 1; i <= count; i++)
            {
                if (wait[i].revents == 0)
                {
                    continue;
                }
                nint n = LibcExtra.read(wait[i].fd, buffer, 4096);
                if (n == 0 || (n < 0 && Marshal.GetLastPInvokeError() != LibC.EINTR))
                {
                    lock (s_lock)
                    {
                        s_fds.Remove(wait[i].fd);
                    }
                    LibcExtra.close(wait[i].fd);
                }
                busy |= n == 4096;
            }
            if (busy)
            {
                Thread.Sleep(1000 / ReadsPerSecond); // a writer that fills the buffer: the pace above
            }
        }
    }
}

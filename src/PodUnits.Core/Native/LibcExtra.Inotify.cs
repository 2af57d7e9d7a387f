using System.Runtime.InteropServices;

namespace PodUnits.Core.Native;

#pragma warning disable CA1401 // raw libc calls are the public surface of LibcExtra, as in Tmds.LibC

// inotify(7), which Tmds.LibC lacks: waiting for a name to appear in a directory without
// polling for it (the pod's journald's socket, Runtime/Init/PodJournald).
public static unsafe partial class LibcExtra
{
    public const int IN_CLOEXEC = 0x80000; // = O_CLOEXEC
    public const uint IN_MOVED_TO = 0x80;
    public const uint IN_CREATE = 0x100;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int inotify_init1(int flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int inotify_add_watch(int fd, string path, uint mask);

    /// <summary>
    /// Waits until <paramref name="directory"/>/<paramref name="name"/> exists, for at most
    /// <paramref name="timeout"/>; true when it does. The watch is set before the first look,
    /// so a creation between the two is not missed; then each wake-up is an event in that
    /// directory (a creation or a rename into it), not a timer.
    /// </summary>
    public static bool WaitForName(string directory, string name, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(name);
        string path = Path.Combine(directory, name);
        int fd = Check.Io(inotify_init1(IN_CLOEXEC), "inotify_init1", directory);
        try
        {
            Check.Io(inotify_add_watch(fd, directory, IN_CREATE | IN_MOVED_TO), "inotify_add_watch", directory);
            // Stopwatch, not Environment.TickCount64: that clock is coarse (CLOCK_MONOTONIC_COARSE)
            // and could end the wait a few milliseconds before its time.
            long began = System.Diagnostics.Stopwatch.GetTimestamp();
            byte* events = stackalloc byte[4096];
            while (!File.Exists(path))
            {
                double left = (timeout - System.Diagnostics.Stopwatch.GetElapsedTime(began)).TotalMilliseconds;
                if (left <= 0)
                {
                    return false;
                }
                var poll = new Tmds.Linux.pollfd { fd = fd, events = Tmds.Linux.LibC.POLLIN };
                int ready = Tmds.Linux.LibC.poll(&poll, 1, (int)Math.Ceiling(left));
                if (ready < 0 && Tmds.Linux.LibC.errno != Tmds.Linux.LibC.EINTR)
                {
                    Check.Io(ready, "poll", directory);
                }
                if (ready > 0)
                {
                    Tmds.Linux.LibC.read(fd, events, 4096); // drained: the name is what tells
                }
            }
            return true;
        }
        finally
        {
            close(fd);
        }
    }
}

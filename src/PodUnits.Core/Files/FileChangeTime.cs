namespace PodUnits.Core.Files;

/// <summary>
/// When a file last changed where it is: the later of its modification time and its
/// status change time (ctime). A package manager installs a file with the mtime stored in the
/// package (its build time, or SOURCE_DATE_EPOCH), years before the install, but it sets that
/// time and renames the file into place, both of which stamp ctime with the install's clock;
/// an administrator's edit moves both. Nothing but the kernel sets ctime.
/// </summary>
public static class FileChangeTime
{
    /// <summary>The time, in UTC, of <paramref name="path"/> (symlinks followed); null when nothing is there.</summary>
    public static unsafe DateTime? Of(string path)
    {
        using var p = new Native.CString(path);
        Tmds.Linux.stat status;
        if (Tmds.Linux.LibC.stat(p, &status) != 0)
        {
            return null;
        }
        static DateTime Utc(Tmds.Linux.timespec t) => DateTime.UnixEpoch.AddTicks((long)t.tv_sec * TimeSpan.TicksPerSecond + (long)t.tv_nsec / 100);
        DateTime modified = Utc(status.st_mtim), changed = Utc(status.st_ctim);
        return modified > changed ? modified : changed;
    }
}

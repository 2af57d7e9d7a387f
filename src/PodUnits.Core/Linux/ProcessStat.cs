using System.Globalization;

namespace PodUnits.Core.Linux;

/// <summary>
/// What /proc/PID/stat says of a process (proc(5)). The command name in parentheses may
/// itself hold spaces and parentheses, so the fields are read after its last ')'.
/// </summary>
public static class ProcessStat
{
    /// <summary>Whether <paramref name="pid"/> has ended: a zombie nobody reaped yet, or gone.
    /// For a child of the caller, which cannot be gone without being reaped by the caller.</summary>
    public static bool HasEnded(int pid) => Fields(pid) is not { } fields || fields[0] == "Z";

    /// <summary>The parent of <paramref name="pid"/>; null when it is gone.</summary>
    public static int? ParentOf(int pid) =>
        Fields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;

    /// <summary>When <paramref name="pid"/> started, in clock ticks after boot (proc(5)'s
    /// starttime): with the PID, it names one process, whatever number the kernel gives later
    /// ones. Null when it is gone.</summary>
    public static long? StartTime(int pid) =>
        Fields(pid) is { Length: > 19 } fields ? long.Parse(fields[19], CultureInfo.InvariantCulture) : null;

    /// <summary>The fields after the command name (state first), or null when the process is gone.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}

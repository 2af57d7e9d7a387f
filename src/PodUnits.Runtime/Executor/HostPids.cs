using System.Globalization;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Maps a PID in the pod's PID namespace to the host's: the pod init reports its children by
/// their pod PIDs; the last NSpid field of /proc/HOSTPID/status (proc(5)) of each of its
/// children says which is which. The executor's /proc is the host's, so the child lists and
/// status files it reads are in host PIDs.
/// </summary>
public static class HostPids
{
    public static int? Find(int podInitHostPid, int podPid)
    {
        foreach (string task in Directory.EnumerateDirectories($"/proc/{podInitHostPid}/task"))
        {
            string children;
            try
            {
                children = File.ReadAllText($"{task}/children");
            }
            catch (IOException)
            {
                continue;
            }
            foreach (string word in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int hostPid = int.Parse(word, CultureInfo.InvariantCulture);
                if (InnermostPid(hostPid) == podPid)
                {
                    return hostPid;
                }
            }
        }
        return null;
    }

    /// <summary>The PID of <paramref name="hostPid"/> in its innermost PID namespace.</summary>
    public static int? InnermostPid(int hostPid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{hostPid}/status"))
            {
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}

using System.Globalization;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// Maps a PID in the pod's PID namespace to the host's: the pod init reports its children by
/// their pod PIDs; the second NSpid field of /proc/HOSTPID/status (proc(5)) of each of its
/// children says which is which. The executor's /proc is the host's, so the child lists and
/// status files it reads are in host PIDs, and NSpid lists a child's PID in the host's
/// namespace, then the pod's, then (a container in a PID namespace of its own) its own, 1.
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
                if (PodPid(hostPid) == podPid)
                {
                    return hostPid;
                }
            }
        }
        return null;
    }

    /// <summary>The PID of <paramref name="hostPid"/>, a process of the pod, in the pod's PID
    /// namespace: one level below the host's.</summary>
    public static int? PodPid(int hostPid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{hostPid}/status"))
            {
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    string[] levels = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return levels.Length > 2 ? int.Parse(levels[2], CultureInfo.InvariantCulture) : null;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}

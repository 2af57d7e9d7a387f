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
    /// <summary>The host PID of the pod init's child <paramref name="podPid"/>, or null once
    /// it has ended and been reaped, or the pod init itself has (a stop during the start).</summary>
    public static int? Find(int podInitHostPid, int podPid) =>
        FindAmongChildren(podInitHostPid, podPid) ?? FindByParent(podInitHostPid, podPid);

    /// <summary>The quick way: the children lists of the pod init's threads. They are per
    /// thread, and a child whose spawning thread exits moves to another thread's list; the
    /// pod init spawns a container of its own PID namespace from a thread that ends right
    /// after (Spawner.SpawnUnshared), so a scan at that moment can miss the child in
    /// transit. That left the container waiting for "go" and the start hanging.</summary>
    public static int? FindAmongChildren(int podInitHostPid, int podPid)
    {
        IEnumerable<string> tasks;
        try
        {
            // Materialised here: a pod init that ends while it is read leaves no task directory.
            tasks = [.. Directory.EnumerateDirectories($"/proc/{podInitHostPid}/task")];
        }
        catch (IOException)
        {
            return null;
        }
        foreach (string task in tasks)
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

    /// <summary>The sure way, when the quick one missed: every process whose PPid (its
    /// parent's thread group, which a move between threads does not change) is the pod
    /// init. Not found here means reaped.</summary>
    public static int? FindByParent(int podInitHostPid, int podPid)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int hostPid))
            {
                continue;
            }
            (int? parent, int? pod) = ParentAndPodPid(hostPid);
            if (parent == podInitHostPid && pod == podPid)
            {
                return hostPid;
            }
        }
        return null;
    }

    /// <summary>The PID of <paramref name="hostPid"/>, a process of the pod, in the pod's PID
    /// namespace: one level below the host's.</summary>
    public static int? PodPid(int hostPid) => ParentAndPodPid(hostPid).PodPid;

    /// <summary>PPid and the pod-level NSpid of /proc/HOSTPID/status; nulls for what it does
    /// not say (a process of the host's own PID namespace has no pod level) or once it is gone.</summary>
    private static (int? Parent, int? PodPid) ParentAndPodPid(int hostPid)
    {
        int? parent = null;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{hostPid}/status"))
            {
                if (line.StartsWith("PPid:", StringComparison.Ordinal))
                {
                    parent = int.Parse(line.AsSpan(5).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    string[] levels = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return (parent, levels.Length > 2 ? int.Parse(levels[2], CultureInfo.InvariantCulture) : null);
                }
            }
        }
        catch (IOException)
        {
        }
        return (parent, null);
    }
}

using PodUnits.Core.Native;
using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Core.Naming;
using PodUnits.Definitions.Host;
using PodUnits.Images.Store;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.State;

/// <summary>
/// The host ID ranges of pods in user namespaces (hostUsers: false, or the host's
/// userNamespaces: auto): one file per pod, DIRECTORY/NAME, holding one line "FIRST SIZE".
/// A pod keeps its range across restarts, because its writable layer and emptyDir volumes
/// hold files owned by the range's host IDs; `podunits gc` releases the range of a pod whose
/// definition and state are gone (PodStateGc). Every change is made under an exclusive flock on
/// DIRECTORY/.lock, so pods starting at once never get overlapping ranges. Pure file-system
/// state: no systemd, no namespaces.
/// </summary>
public static class UserNamespaceRanges
{
    public const string DefaultDirectory = UserNamespaceRangeFiles.DefaultDirectory;

    /// <summary>The IDs a pod gets (container IDs 0..65535).</summary>
    public const uint RangeSize = UserNamespacePool.RangeSize;

    /// <summary>The range of <paramref name="pod"/>: the one it holds when that lies inside the
    /// pool (poolFirst..poolFirst+poolSize-1) and overlaps no other pod's, else the highest free
    /// 65,536-aligned slot of the pool, recorded before it is returned. Fails when the pool is
    /// full, or when a file cannot be read (it may hold the owners of files on disk, so it is
    /// never overwritten).</summary>
    /// <param name="subordinate">Ranges no pod may overlap: by default the host's subordinate
    /// IDs (<see cref="SubordinateIds"/>), which their users can map.</param>
    /// <param name="hostAccountAt">Whether the host knows a user or group of that ID (NSS:
    /// /etc/passwd, a directory service through sss or ldap, another container manager's
    /// users through nss-systemd), other than the pod's own: by default <see cref="HostAccountAt"/>.</param>
    public static IdMapping Acquire(string pod, uint poolFirst, uint poolSize, string directory = DefaultDirectory,
        IReadOnlyList<IdMapping>? subordinate = null, Func<uint, bool>? hostAccountAt = null)
    {
        CheckName(pod);
        PodPaths.CreatePrivateDirectory(directory);
        subordinate ??= SubordinateIds.Read();
        hostAccountAt ??= id => HostAccountAt(id, pod);
        // A range whose first or last ID is a host account's (SSSD's AD mapping and FreeIPA
        // hand out IDs in the same span as the pool; systemd-nspawn --private-users=pick takes
        // slots of it too) would make that user the pod's container user on the host: such a
        // slot is skipped, as nspawn skips one (user-namespace review of 2026-12-06, finding
        // 3), and a held range such an account came to while the pod was stopped is given up
        // (the second review of that day, finding 2). The pod's own names, which
        // nss-mymachines gives its IDs while machined has it registered, are not others'.
        bool Known(ulong start) => hostAccountAt((uint)start) || hostAccountAt((uint)(start + RangeSize - 1));
        using FileLock _ = FileLock.Exclusive(LockPath(directory));
        IReadOnlyList<(string Pod, IdMapping Range)> all = ReadAll(directory);
        // A held range that a user's subordinate IDs came to overlap is given up: nothing of
        // the pod's on disk outlives a start (its writable layer and emptyDirs are made anew).
        List<IdMapping> others = [.. all.Where(e => e.Pod != pod).Select(e => e.Range).Concat(subordinate).OrderBy(r => r.HostFirst)];
        ulong poolEnd = (ulong)poolFirst + poolSize;
        if (all.FirstOrDefault(e => e.Pod == pod).Range is IdMapping held
            && held.HostFirst >= poolFirst && End(held) <= poolEnd && !others.Any(o => Overlaps(o, held.HostFirst, End(held)))
            && !Known(held.HostFirst))
        {
            return held;
        }
        // From the pool's end down: useradd hands out subordinate IDs from 100000 up and sees
        // only /etc/subuid and /etc/subgid, so a user added while a pod runs took the pod's IDs
        // (its container root) from the seventh user on when the pool was filled from its
        // start; from the top of the default pool, about 28,600 users (user-namespace review of
        // 2026-12-07, finding 1). The ranges are not written into those files under a
        // reserved account as podman and LXD do: that means shadow's locking (lckpwdf, and
        // commonio's link-based /etc/subuid.lock) and an atomic rewrite of files every user's
        // rootless containers depend on, not done here.
        ulong? first = HighestFree(others, poolFirst, poolEnd);
        for (int skipped = 0; first is ulong taken && Known(taken) && skipped < MaxSkippedSlots; skipped++)
        {
            others = [.. others.Append(new IdMapping((uint)taken, RangeSize)).OrderBy(r => r.HostFirst)];
            first = HighestFree(others, poolFirst, poolEnd);
        }
        if (first is ulong last && Known(last))
        {
            first = null; // too many slots in use by the host's accounts: said as exhaustion
        }
        if (first is not ulong free)
        {
            int holders = all.Count(e => e.Pod != pod && e.Range.HostFirst >= poolFirst && End(e.Range) <= poolEnd);
            int users = subordinate.Count(r => Overlaps(r, poolFirst, poolEnd));
            string subordinates = users == 0 ? "" : $" and {users} subordinate ID ranges of {string.Join(" and ", SubordinateIds.HostFiles)} overlap it";
            throw new PodUnitsException($"pod {pod}",
                $"the user namespace ID pool {poolFirst}-{poolEnd - 1} is exhausted: {holders} pods hold its {poolSize / RangeSize} ranges of " +
                $"{RangeSize} IDs{subordinates}; raise userNamespacePool.size in {HostSettings.DefaultPath}, or run podunits gc to release the ranges " +
                "of pods whose definitions and state are gone (remove /var/lib/podunits/pods/NAME of a pod removed for good first)");
        }
        var range = new IdMapping((uint)free, RangeSize);
        AtomicFile.Write(PathOf(directory, pod), System.Text.Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{range.HostFirst} {range.Size}\n")));
        return range;
    }

    /// <summary>How many slots taken by host accounts one acquisition skips at most.</summary>
    private const int MaxSkippedSlots = 64;

    /// <summary>Whether NSS knows a user or a group of <paramref name="id"/> that is not
    /// <paramref name="pod"/>'s own: nss-mymachines names the IDs of a machine registered
    /// with a user namespace "vu-MACHINE-ID" and "vg-MACHINE-ID", and a pod's machine may still
    /// be registered when it starts again (a run whose executor was killed).</summary>
    public static bool HostAccountAt(uint id, string pod)
    {
        static string? NameAt(nint entry) => entry == 0 ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(
            System.Runtime.InteropServices.Marshal.ReadIntPtr(entry)); // pw_name and gr_name come first
        return NameAt(LibcExtra.getpwuid(id)) is { } user && !IsMachineAccountOf(user, "vu", pod)
            || NameAt(LibcExtra.getgrgid(id)) is { } group && !IsMachineAccountOf(group, "vg", pod);
    }

    /// <summary>Whether <paramref name="name"/> is nss-mymachines' name for an ID of machine
    /// <paramref name="pod"/>: PREFIX-POD-DIGITS ("vu-web-0"; "vu-web-2-0" is machine web-2's).</summary>
    public static bool IsMachineAccountOf(string name, string prefix, string pod)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(pod);
        string start = $"{prefix}-{pod}-";
        return name.StartsWith(start, StringComparison.Ordinal) && name.Length > start.Length && name[start.Length..].All(char.IsAsciiDigit);
    }

    /// <summary>The range <paramref name="pod"/> holds, or null (for `podunits status` and
    /// `list`): its own file only, so another pod's damaged file, or one gc removes this
    /// moment, does not fail them. Fails naming the pod's own file when it is damaged.</summary>
    public static IdMapping? Of(string pod, string directory = DefaultDirectory)
    {
        CheckName(pod);
        try
        {
            return Parse(PathOf(directory, pod));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every pod's range, by pod name. Fails naming a
    /// file that cannot be read as a range.</summary>
    public static IReadOnlyList<(string Pod, IdMapping Range)> ReadAll(string directory = DefaultDirectory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        return [.. Pods(directory).Select(pod => (pod, Parse(PathOf(directory, pod))))];
    }

    /// <summary>The pods with a file, by name. Dot files are the lock and the temp files of a
    /// write in progress (pod names never start with a dot).</summary>
    private static IEnumerable<string> Pods(string directory) =>
        Directory.EnumerateFiles(directory).Select(path => Path.GetFileName(path)).Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal);

    /// <summary>Gives up the range of <paramref name="pod"/>; false when it held none. Only for
    /// a pod that is gone: its files on disk still carry the range's IDs.</summary>
    public static bool Release(string pod, string directory = DefaultDirectory)
    {
        CheckName(pod);
        RangeRelease result = ReleaseWhere(p => p == pod, directory);
        if (result.Unreadable.Count > 0)
        {
            throw result.Unreadable[0];
        }
        return result.Released.Count > 0;
    }

    /// <summary>For gc: gives up the range of every pod <paramref name="inUse"/> says nothing
    /// needs any more, and returns those. <paramref name="inUse"/> is asked under the lock,
    /// so a pod starting meanwhile either is seen as running or (its range released) gets a
    /// fresh one when it acquires: a range is never held by two pods. A file that cannot be
    /// read as a range is kept and reported, and the others are released all the same.</summary>
    public static RangeRelease ReleaseUnused(Func<string, bool> inUse, string directory = DefaultDirectory) =>
        ReleaseWhere(pod => !inUse(pod), directory);

    private static RangeRelease ReleaseWhere(Func<string, bool> release, string directory)
    {
        if (!Directory.Exists(directory))
        {
            return new RangeRelease([], []);
        }
        using FileLock _ = FileLock.Exclusive(LockPath(directory));
        List<(string Pod, IdMapping Range)> released = [];
        List<PodUnitsException> unreadable = [];
        // Only the files to remove are read: another pod's unreadable file stops nothing here.
        foreach (string pod in Pods(directory).Where(release).ToList())
        {
            IdMapping range;
            try
            {
                range = Parse(PathOf(directory, pod));
            }
            catch (PodUnitsException e)
            {
                // Kept: it may be the only record of who owns the pod's files.
                unreadable.Add(e);
                continue;
            }
            File.Delete(PathOf(directory, pod));
            released.Add((pod, range));
        }
        if (released.Count > 0)
        {
            AtomicFile.SyncDirectory(directory);
        }
        return new RangeRelease(released, unreadable);
    }

    /// <summary>The highest 65,536-aligned start (counted from <paramref name="poolFirst"/>)
    /// whose whole range lies below <paramref name="poolEnd"/> and overlaps none of
    /// <paramref name="taken"/>; null when there is none.</summary>
    private static ulong? HighestFree(List<IdMapping> taken, uint poolFirst, ulong poolEnd)
    {
        if (poolEnd < (ulong)poolFirst + RangeSize)
        {
            return null;
        }
        ulong candidate = poolFirst + ((poolEnd - poolFirst) / RangeSize - 1) * RangeSize;
        while (taken.Where(t => Overlaps(t, candidate, candidate + RangeSize)).Select(t => (ulong?)t.HostFirst).Min() is ulong below)
        {
            // The highest aligned slot that ends at or before the lowest range in the way.
            if (below < (ulong)poolFirst + RangeSize)
            {
                return null;
            }
            candidate = poolFirst + ((below - poolFirst) / RangeSize - 1) * RangeSize;
        }
        return candidate;
    }

    private static bool Overlaps(IdMapping range, ulong first, ulong end) => range.HostFirst < end && first < End(range);

    private static ulong End(IdMapping range) => (ulong)range.HostFirst + range.Size;

    private static IdMapping Parse(string path)
    {
        string text = File.ReadAllText(path);
        // The final newline is optional, for a file corrected by hand.
        string[] parts = (text.EndsWith('\n') ? text[..^1] : text).Split(' ');
        if (parts.Length == 2
            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint first)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint size)
            && size == RangeSize && (ulong)first + size <= (ulong)uint.MaxValue + 1)
        {
            return new IdMapping(first, size);
        }
        string shown = text.Length <= 40 ? text.TrimEnd('\n') : text[..37] + "...";
        throw new PodUnitsException(path, $"is not a user namespace range (one line \"FIRST {RangeSize}\": every pod maps container IDs 0-{RangeSize - 1}), found \"{shown}\"; " +
            "it records the host IDs that own the pod's files on disk, so PodUnits does not overwrite it: " +
            "correct it, or remove it if the pod's files may get new owners");
    }

    private static void CheckName(string pod)
    {
        if (ResourceNames.Explain(pod) is string why)
        {
            throw new BadInputException($"pod name \"{pod}\"", why);
        }
    }

    private static string LockPath(string directory) => UserNamespaceRangeFiles.LockPath(directory);

    private static string PathOf(string directory, string pod) => UserNamespaceRangeFiles.PathOf(directory, pod);
}

/// <summary>What a release did: the ranges given up, and the files kept because they could
/// not be read as a range (each error names its file).</summary>
public sealed record RangeRelease(IReadOnlyList<(string Pod, IdMapping Range)> Released, IReadOnlyList<PodUnitsException> Unreadable)
{
    /// <summary>The pods whose definition is gone and whose range is kept only because their
    /// state directory still holds files owned by it (gc says so, naming the directory).</summary>
    public IReadOnlyList<string> KeptForState { get; init; } = [];
}

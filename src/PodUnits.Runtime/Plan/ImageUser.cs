using System.Globalization;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// The image config's USER ("uid", "uid:gid", "name", "name:group", as Docker writes it)
/// to numbers, with names looked up in the image's own /etc/passwd and /etc/group, as
/// container engines do. Pure: the files' text is handed in.
/// </summary>
/// <summary>The text of an image's /etc/passwd and /etc/group.</summary>
public sealed record ImageAccounts(string? Passwd, string? Group)
{
    public static readonly ImageAccounts None = new(null, null);
}

public static class ImageUser
{
    /// <summary>Returns (uid, gid); null members when <paramref name="user"/> is empty. A name
    /// the image does not define is an error: running as root instead would be a surprise.</summary>
    public static (long? Uid, long? Gid) Resolve(string? user, Func<string, string?> readImageFile)
    {
        ArgumentNullException.ThrowIfNull(readImageFile);
        if (string.IsNullOrWhiteSpace(user))
        {
            return (null, null);
        }
        string[] parts = user.Split(':', 2);
        long? uid = Id(parts[0]);
        long? gid = null;
        if (uid is null)
        {
            string[] entry = Find(readImageFile("etc/passwd"), parts[0])
                ?? throw new ArgumentException($"user \"{parts[0]}\" is not in the image's /etc/passwd");
            uid = Id(entry.ElementAtOrDefault(2));
            gid = Id(entry.ElementAtOrDefault(3));
        }
        else if (parts.Length == 1 && FindByUid(readImageFile("etc/passwd"), uid.Value) is { } byUid)
        {
            gid = Id(byUid.ElementAtOrDefault(3));
        }
        if (parts.Length == 2)
        {
            gid = Id(parts[1]) ?? Id((Find(readImageFile("etc/group"), parts[1])
                ?? throw new ArgumentException($"group \"{parts[1]}\" is not in the image's /etc/group")).ElementAtOrDefault(2));
        }
        return (uid, gid ?? 0);
    }

    /// <summary>The groups /etc/group lists <paramref name="uid"/>'s user (its name in
    /// /etc/passwd) as a member of, as containerd and CRI-O add them; none for a UID the
    /// image's /etc/passwd does not name.</summary>
    public static List<long> MemberGroups(long uid, ImageAccounts accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        if (FindByUid(accounts.Passwd, uid)?[0] is not string user)
        {
            return [];
        }
        var groups = new List<long>();
        foreach (string[] e in Entries(accounts.Group))
        {
            if ((e.ElementAtOrDefault(3) ?? "").Split(',').Contains(user, StringComparer.Ordinal)
                && Id(e.ElementAtOrDefault(2)) is long gid && !groups.Contains(gid))
            {
                groups.Add(gid);
            }
        }
        return groups;
    }

    /// <summary>The home directory /etc/passwd gives <paramref name="uid"/> (its sixth field),
    /// or null: runc's HOME for a process that has none.</summary>
    public static string? Home(long uid, ImageAccounts accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return FindByUid(accounts.Passwd, uid)?.ElementAtOrDefault(5) is { Length: > 0 } home ? home : null;
    }

    /// <summary>The primary group /etc/passwd gives <paramref name="uid"/>, or null.</summary>
    public static long? PrimaryGroup(long uid, ImageAccounts accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return FindByUid(accounts.Passwd, uid) is { } entry ? Id(entry.ElementAtOrDefault(3)) : null;
    }

    /// <summary>The largest UID or GID a container may have, as runc allows (and runAsUser):
    /// 2^31 - 1. Wider values wrap when they become uid_t: 4294967296 is root, and
    /// 4294967295 is setresuid's "leave unchanged" (root again), past runAsNonRoot's check.</summary>
    public const long MaxId = int.MaxValue;

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;

    /// <summary>A UID or GID the container will have, or null when <paramref name="text"/> is
    /// no number (a name). Digits out of range are refused, never wrapped.</summary>
    private static long? Id(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.All(char.IsAsciiDigit))
        {
            return null;
        }
        return Number(text) is long n && n <= MaxId
            ? n
            : throw new ArgumentException($"ID {text} is out of range: user and group IDs must be 0 to {MaxId}");
    }

    /// <summary>The file's entries, split at ':'. Loops, not LINQ chains, here and in
    /// <see cref="MemberGroups"/>: Select on Where's iterator is a generic virtual call, which
    /// NativeAOT looks up at run time at every pod start (docs/process-model.md, "What a
    /// NativeAOT process pays").</summary>
    private static IEnumerable<string[]> Entries(string? file)
    {
        foreach (string line in (file ?? "").Split('\n'))
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line.Split(':');
            }
        }
    }

    private static string[]? Find(string? file, string name) => Entries(file).FirstOrDefault(e => e[0] == name);

    private static string[]? FindByUid(string? file, long uid) =>
        Entries(file).FirstOrDefault(e => Number(e.ElementAtOrDefault(2)) == uid);
}

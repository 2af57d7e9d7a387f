using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Images.Unpack;

/// <summary>
/// Path rules of the unpacker. Tar names are cleaned lexically ('.', empty components and
/// leading '/' dropped, '..' applied); a name that climbs above the root is refused. Every
/// parent directory is then checked with lstat: a symlink (or any non-directory) as a parent
/// refuses the entry, so nothing is ever written through a symlink, wherever it points.
/// The layer directory is private to the unpacking process, so no one can swap a
/// component between the check and the use.
/// </summary>
internal static class SafePaths
{
    /// <summary>The cleaned relative path ("" for the root), or null if it escapes the root.</summary>
    public static string? Clean(string name)
    {
        var parts = new List<string>();
        foreach (string part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    public static (string Parent, string Name) Split(string relative)
    {
        int slash = relative.LastIndexOf('/');
        return slash < 0 ? ("", relative) : (relative[..slash], relative[(slash + 1)..]);
    }

    /// <summary>Makes sure every component of <paramref name="relativeDir"/> is a real
    /// directory under <paramref name="root"/>, creating missing ones (0755, as tar does).</summary>
    public static void EnsureDirectories(string root, string relativeDir, string entryName, bool create)
    {
        if (relativeDir.Length == 0) return;
        string path = root;
        foreach (string part in relativeDir.Split('/'))
        {
            path = path + "/" + part;
            mode_t type = TypeOf(path);
            if (type == Absent)
            {
                if (!create) throw Refuse(entryName, $"'{relativeDir}' does not exist in the layer");
                MakeDirectory(path, LibcExtra.Mode0755);
                continue;
            }
            if (type == LibC.S_IFLNK)
                throw Refuse(entryName, $"its parent '{RelativeTo(root, path)}' is a symlink; nothing is written through symlinks");
            if (type != LibC.S_IFDIR)
                throw Refuse(entryName, $"its parent '{RelativeTo(root, path)}' is not a directory");
        }
    }

    /// <summary>What <see cref="TypeOf"/> says of a path where nothing is.</summary>
    public static mode_t Absent => default;

    /// <summary>The file type bits (S_IFMT) of <paramref name="path"/>, not following a
    /// symlink; <see cref="Absent"/> if nothing is there.</summary>
    public static unsafe mode_t TypeOf(string path)
    {
        using var p = new CString(path);
        stat status;
        int result = LibC.lstat(p, &status);
        if (result == -1 && LibC.errno == LibC.ENOENT) return Absent;
        Check.Io(result, "lstat", path);
        return status.st_mode & LibC.S_IFMT;
    }

    /// <summary>mkdir(2) of <paramref name="path"/> with exactly <paramref name="mode"/>: chmod'ed
    /// after, since mkdir takes the caller's umask off, and a root shell's 077 would leave a
    /// parent the layer does not list (its /usr) at 0700 in a layer every container shares.</summary>
    public static unsafe void MakeDirectory(string path, mode_t mode)
    {
        using var p = new CString(path);
        Check.Io(LibC.mkdir(p, mode), "mkdir", path);
        Check.Io(LibC.chmod(p, mode), "chmod", path);
    }

    /// <summary>Whether every component of <paramref name="relative"/> under <paramref name="root"/>,
    /// the last one included, is still a real directory, reached through no symlink: a later
    /// entry may have replaced one of them (a directory `a`, then a symlink `a` -> /etc), and
    /// what was recorded by its path must then not be touched through the link.</summary>
    public static bool IsRealDirectory(string root, string relative)
    {
        string path = root;
        foreach (string part in relative.Split('/'))
        {
            path = path + "/" + part;
            if (TypeOf(path) != LibC.S_IFDIR)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Removes whatever is at <paramref name="path"/> (a later entry replaces an
    /// earlier one, as tar does). Directory.Delete removes symlinks inside, never their targets.</summary>
    public static unsafe void Remove(string path)
    {
        mode_t type = TypeOf(path);
        if (type == Absent) return;
        if (type == LibC.S_IFDIR)
        {
            Directory.Delete(path, recursive: true);
            return;
        }
        using var p = new CString(path);
        Check.Io(LibC.unlink(p), "unlink", path);
    }

    public static PodUnitsException Refuse(string entryName, string why) =>
        new LayerRejectedException(entryName, why);

    private static string RelativeTo(string root, string path) => path.Length > root.Length ? path[(root.Length + 1)..] : "/";
}

/// <summary>A layer holds an entry that would reach outside its root or write through a
/// symlink: the whole layer is refused (and its partial directory removed).</summary>
public sealed class LayerRejectedException : PodUnitsException
{
    /// <summary>The entry's name and what the message quotes of the layer (a parent, a link's
    /// target) are the layer's text: a PAX path may hold a newline or an escape sequence, which
    /// would split the message in the journal or drive a terminal. Escaped (\xNN).</summary>
    public LayerRejectedException(string entryName, string why)
        : base($"layer entry '{Core.Text.OneLine.Of(entryName)}'", $"refused: {Core.Text.OneLine.Of(why)}") => EntryName = entryName;

    public string EntryName { get; } = "";

    public LayerRejectedException() : base("layer", "refused") { }

    public LayerRejectedException(string message) : base("layer", message) { }

    public LayerRejectedException(string message, Exception innerException)
        : base("layer", message, Core.Errors.ExitCodes.RuntimeFailure, innerException) { }
}

using PodUnits.Core.Errors;
using PodUnits.Images.Native;

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
            if (ImagesLibc.lstat_mode(path, out uint mode) != 0)
            {
                int errno = ImagesLibc.Errno;
                if (errno != ImagesLibc.ENOENT) throw new NativeCallException("lstat", errno, path);
                if (!create) throw Refuse(entryName, $"'{relativeDir}' does not exist in the layer");
                ImagesLibc.CheckIo(ImagesLibc.mkdir(path, 0x1ed), "mkdir", path);
                continue;
            }
            int type = (int)mode & ImagesLibc.S_IFMT;
            if (type == ImagesLibc.S_IFLNK)
                throw Refuse(entryName, $"its parent '{RelativeTo(root, path)}' is a symlink; nothing is written through symlinks");
            if (type != ImagesLibc.S_IFDIR)
                throw Refuse(entryName, $"its parent '{RelativeTo(root, path)}' is not a directory");
        }
    }

    /// <summary>The file type bits of <paramref name="path"/> (not following a symlink), 0 if absent.</summary>
    public static int TypeOf(string path)
    {
        if (ImagesLibc.lstat_mode(path, out uint mode) == 0) return (int)mode & ImagesLibc.S_IFMT;
        int errno = ImagesLibc.Errno;
        if (errno == ImagesLibc.ENOENT) return 0;
        throw new NativeCallException("lstat", errno, path);
    }

    /// <summary>Removes whatever is at <paramref name="path"/> (a later entry replaces an
    /// earlier one, as tar does). Directory.Delete removes symlinks inside, never their targets.</summary>
    public static void Remove(string path)
    {
        int type = TypeOf(path);
        if (type == 0) return;
        if (type == ImagesLibc.S_IFDIR) Directory.Delete(path, recursive: true);
        else ImagesLibc.CheckIo(ImagesLibc.unlink(path), "unlink", path);
    }

    public static PodUnitsException Refuse(string entryName, string why) =>
        new LayerRejectedException(entryName, why);

    private static string RelativeTo(string root, string path) => path.Length > root.Length ? path[(root.Length + 1)..] : "/";
}

/// <summary>A layer holds an entry that would reach outside its root or write through a
/// symlink: the whole layer is refused (and its partial directory removed).</summary>
public sealed class LayerRejectedException : PodUnitsException
{
    public LayerRejectedException(string entryName, string why)
        : base($"layer entry '{entryName}'", $"refused: {why}") => EntryName = entryName;

    public string EntryName { get; } = "";

    public LayerRejectedException() : base("layer", "refused") { }

    public LayerRejectedException(string message) : base("layer", message) { }

    public LayerRejectedException(string message, Exception innerException)
        : base("layer", message, Core.Errors.ExitCodes.RuntimeFailure, innerException) { }
}

using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.State;

public static unsafe partial class DescriptorTree
{
    /// <summary>How often one directory is listed again because its rmdir found new entries
    /// (ENOTEMPTY: a process still writes in it, a sibling container through
    /// /proc/PID/root), and how often in one removal, before it gives up.</summary>
    private const int ListingsPerDirectory = 8;
    private const int ListingsAgain = 256;

    /// <summary>Removes <paramref name="path"/> and everything in it, as rm -r
    /// --one-file-system does (by descriptor: <see cref="DescriptorTree"/>); nothing when it is
    /// absent, and a symlink or file there is unlinked itself. The path's own components are
    /// PodUnits' (/var/lib/podunits/...), so it is opened by path, its last component without
    /// following a link; what is below it is a container's.</summary>
    /// <exception cref="DescriptorTreeException">An entry could not be removed (EPERM: an
    /// immutable file), a mount point or another file system is inside, or entries keep
    /// appearing; it names the entry. What was removed before stays removed.</exception>
    public static void Remove(string path) => Remove(path, [], entering: null);

    /// <param name="last">Names at the top removed after everything else (PodState's
    /// markers, which say what the directory is).</param>
    /// <param name="entering">Called with a directory's relative path just before it is
    /// opened to be listed: the window in which finding 1's container swaps it for a link.
    /// Tests only.</param>
    internal static void Remove(string path, IReadOnlyCollection<string> last, Action<byte[]>? entering)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(last);
        string parent = Path.GetDirectoryName(path.TrimEnd('/')) is { Length: > 0 } p ? p : "/";
        byte[] name = [.. System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path.TrimEnd('/'))), 0];
        int parentFd = LibcExtra.open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (parentFd < 0)
        {
            int error = errno;
            if (error == ENOENT)
            {
                return; // no parent, no tree
            }
            throw new Core.Errors.NativeCallException("open", error, parent);
        }
        try
        {
            if (StatusOf(parentFd, name, path, new Node(null, [])) is not { } status)
            {
                return;
            }
            if (!IsDirectory(status))
            {
                _ = Unlink(parentFd, name, 0, path, () => []);
                return;
            }
            int topFd;
            fixed (byte* n = name)
            {
                topFd = Check.Io(openat(parentFd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), "open", path);
            }
            try
            {
                new Removal(topFd, path, last, entering).Run(parentFd, name);
            }
            finally
            {
                _ = close(topFd);
            }
        }
        finally
        {
            _ = close(parentFd);
        }
    }

    /// <summary>unlinkat; false when the entry is gone already or (<paramref name="flags"/> 0)
    /// is a directory now, which the caller then takes as one.</summary>
    private static bool Unlink(int dirFd, byte[] name, int flags, string topPath, Func<byte[]> directory)
    {
        fixed (byte* n = name)
        {
            if (unlinkat(dirFd, n, flags) == 0)
            {
                return true;
            }
        }
        int error = errno;
        return error is ENOENT or EISDIR ? false : throw Failure(topPath, Join(directory(), name), "unlink", error);
    }

    /// <summary>One removal's walk: post-order, each directory emptied before its rmdir.</summary>
    private sealed class Removal(int topFd, string topPath, IReadOnlyCollection<string> last, Action<byte[]>? entering)
    {
        private readonly List<byte[]> _last = [.. last.Select(n => (byte[])[.. System.Text.Encoding.UTF8.GetBytes(n), 0])];
        private int _listingsAgain;

        public void Run(int parentFd, byte[] topName)
        {
            var root = new Node(null, topName);
            using var cursor = new Cursor(topFd, topPath, root);
            for (int listings = 1; ; listings++)
            {
                Empty(cursor, root);
                foreach (byte[] marker in _last)
                {
                    _ = Unlink(topFd, marker, 0, topPath, () => []);
                }
                fixed (byte* n = topName)
                {
                    if (unlinkat(parentFd, n, AT_REMOVEDIR) == 0)
                    {
                        return;
                    }
                }
                int error = errno;
                if (error == ENOENT)
                {
                    return;
                }
                if (error is not (ENOTEMPTY or EEXIST))
                {
                    throw Failure(topPath, [], "rmdir", error);
                }
                if (listings == ListingsPerDirectory)
                {
                    throw KeepsFilling(root);
                }
                root.Listed = false;
            }
        }

        /// <summary>Everything below the top, but <see cref="_last"/> at the top.</summary>
        private void Empty(Cursor cursor, Node root)
        {
            var stack = new Stack<Node>();
            stack.Push(root);
            while (stack.TryPeek(out Node? dir))
            {
                if (!dir.Listed)
                {
                    if (!ListInto(cursor, dir, stack))
                    {
                        stack.Pop(); // changed meanwhile: its parent's rmdir finds what is left
                    }
                    continue;
                }
                stack.Pop();
                if (dir != root && !RemoveDirectory(cursor, dir))
                {
                    dir.Listed = false; // ENOTEMPTY: entries came meanwhile
                    stack.Push(dir);
                }
            }
        }

        /// <summary>Lists <paramref name="dir"/>, unlinks what is no directory in it and
        /// stacks the directories; false when it is no longer there as a directory.</summary>
        private bool ListInto(Cursor cursor, Node dir, Stack<Node> stack)
        {
            if (++dir.Listings > ListingsPerDirectory || (dir.Listings > 1 && ++_listingsAgain > ListingsAgain))
            {
                throw KeepsFilling(dir);
            }
            dir.Listed = true;
            entering?.Invoke(dir.Relative());
            int dirFd = cursor.Open(dir, out int error);
            if (dirFd < 0)
            {
                if (Vanished(error))
                {
                    return false;
                }
                throw error == EXDEV ? OtherFileSystem(dir.Relative()) : Failure(topPath, dir.Relative(), "open", error);
            }
            foreach (byte[] name in List(dirFd, topPath, dir))
            {
                if (dir.Parent is null && _last.Exists(marker => marker.AsSpan().SequenceEqual(name)))
                {
                    continue;
                }
                if (StatusOf(dirFd, name, topPath, dir) is not { } status)
                {
                    continue;
                }
                if (status.st_dev != cursor.Device)
                {
                    throw OtherFileSystem(Join(dir.Relative(), name));
                }
                // A file that became a directory since its lstat (EISDIR) is taken as one.
                if (IsDirectory(status) || (!Unlink(dirFd, name, 0, topPath, dir.Relative) && StatusOf(dirFd, name, topPath, dir) is { } now && IsDirectory(now)))
                {
                    stack.Push(new Node(dir, name));
                }
            }
            return true;
        }

        /// <summary>rmdir of an emptied directory, by name in its parent's descriptor; false
        /// when it is not empty any more. One that turned into a symlink or file since is
        /// unlinked, not entered; one whose parent changed is left to the parent's rmdir.</summary>
        private bool RemoveDirectory(Cursor cursor, Node dir)
        {
            Node parent = dir.Parent!;
            int parentFd = cursor.Open(parent, out int error);
            if (parentFd < 0)
            {
                return Vanished(error) ? true : throw Failure(topPath, parent.Relative(), "open", error);
            }
            fixed (byte* n = dir.Name)
            {
                if (unlinkat(parentFd, n, AT_REMOVEDIR) == 0)
                {
                    return true;
                }
            }
            error = errno;
            return error switch
            {
                ENOENT => true,
                ENOTEMPTY or EEXIST => false,
                ENOTDIR => UnlinkInstead(parentFd, dir),
                EBUSY => throw OtherFileSystem(dir.Relative()),
                _ => throw Failure(topPath, dir.Relative(), "rmdir", error),
            };
        }

        /// <summary>A directory that turned into a symlink or file since it was listed:
        /// unlinked itself, never entered.</summary>
        private bool UnlinkInstead(int parentFd, Node dir)
        {
            _ = Unlink(parentFd, dir.Name, 0, topPath, dir.Parent!.Relative);
            return true;
        }

        private DescriptorTreeException KeepsFilling(Node dir) => new(topPath,
            $"{(dir.Parent is null ? "it" : RawNames.Printable(dir.Relative()))} still gets new entries while it is removed (does a process still write in it?)");

        private DescriptorTreeException OtherFileSystem(byte[] relative) => new(topPath,
            $"{RawNames.Printable(relative)} is a mount point or another file system: not removed, nor what is in it (unmount it first)");
    }
}

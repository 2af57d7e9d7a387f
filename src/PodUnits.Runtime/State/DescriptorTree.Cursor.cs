using System.Runtime.InteropServices;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Runtime.State;

public static unsafe partial class DescriptorTree
{
    /// <summary>A directory of the walk: its name in its parent (NUL-terminated), and once
    /// opened, its identity, against which a return to it through ".." is checked.</summary>
    private sealed class Node(Node? parent, byte[] name)
    {
        public Node? Parent { get; } = parent;
        public byte[] Name { get; } = name;
        public int Depth { get; } = parent is null ? 0 : parent.Depth + 1;
        public (ulong Device, ulong Inode) Id { get; set; }
        public bool Listed { get; set; }
        public int Listings { get; set; }

        /// <summary>The path below the top ("" for the top), as bytes: messages and tests.</summary>
        public byte[] Relative()
        {
            var names = new List<byte[]>();
            for (Node? n = this; n?.Parent is not null; n = n.Parent)
            {
                names.Add(n.Name);
            }
            names.Reverse();
            return [.. names.SelectMany((n, i) => i == 0 ? RawNames.Of(n).ToArray() : [(byte)'/', .. RawNames.Of(n)])];
        }
    }

    /// <summary>
    /// The one directory the walk has open besides the top, moved from directory to directory:
    /// down one name at a time (openat2 beneath the directory, no symlink, no other mount), up
    /// through "..", each step up checked to land on the directory recorded on the way down.
    /// A walk in depth-first order so moves a step or two per directory, whatever the depth;
    /// the path from the top is taken again, one name at a time, only when a step up finds
    /// something else (the container moved a directory meanwhile). Opening each directory by
    /// its whole path from the top cost time quadratic in the depth instead.
    /// </summary>
    private sealed class Cursor : IDisposable
    {
        private readonly int _top;
        private readonly string _topPath;
        private readonly Node _root;
        private Node _at;
        private int _fd = -1;

        public Cursor(int topFd, string topPath, Node root)
        {
            _top = topFd;
            _topPath = topPath;
            _root = root;
            _at = root;
            stat status;
            if (fstat(topFd, &status) != 0)
            {
                throw Failure(topPath, [], "fstat", errno);
            }
            root.Id = (status.st_dev, status.st_ino);
        }

        public ulong Device => _root.Id.Device;

        /// <summary>The directory of <paramref name="target"/>, read from its start, open until
        /// the next move (not the caller's to close); -1 and the errno when it is not there as
        /// a directory any more.</summary>
        public int Open(Node target, out int error)
        {
            var down = new Stack<Node>();
            Node from = _at, to = target;
            while (to.Depth > from.Depth)
            {
                down.Push(to);
                to = to.Parent!;
            }
            while (from.Depth > to.Depth)
            {
                from = from.Parent!;
            }
            while (from != to)
            {
                down.Push(to);
                to = to.Parent!;
                from = from.Parent!;
            }
            if (_fd < 0 || !UpTo(to))
            {
                FromTheTop(target, down);
            }
            while (down.TryPop(out Node? next))
            {
                if (!Down(next, out error))
                {
                    return -1;
                }
            }
            error = 0;
            _ = lseek(_fd, 0, SEEK_SET);
            return _fd;
        }

        /// <summary>Back at the top, with the whole way to <paramref name="target"/> to go.</summary>
        private void FromTheTop(Node target, Stack<Node> down)
        {
            Close();
            down.Clear();
            for (Node n = target; n.Parent is not null; n = n.Parent)
            {
                down.Push(n);
            }
            byte* dot = stackalloc byte[] { (byte)'.', 0 };
            _fd = LibcExtra.openat2(_top, dot, How(O_RDONLY));
            _at = _root;
            if (_fd < 0)
            {
                throw Failure(_topPath, [], "open", Marshal.GetLastPInvokeError());
            }
        }

        private bool UpTo(Node ancestor)
        {
            byte* dotDot = stackalloc byte[] { (byte)'.', (byte)'.', 0 };
            while (_at != ancestor)
            {
                int up = openat(_fd, dotDot, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (up < 0 || IdOf(up) != _at.Parent!.Id)
                {
                    if (up >= 0)
                    {
                        _ = close(up);
                    }
                    return false;
                }
                _ = close(_fd);
                _fd = up;
                _at = _at.Parent;
            }
            return true;
        }

        private bool Down(Node child, out int error)
        {
            int fd;
            fixed (byte* n = child.Name)
            {
                fd = LibcExtra.openat2(_fd, n, How(O_RDONLY));
            }
            if (fd < 0)
            {
                error = Marshal.GetLastPInvokeError();
                return false;
            }
            _ = close(_fd);
            _fd = fd;
            _at = child;
            child.Id = IdOf(fd);
            error = 0;
            return true;
        }

        private static LibcExtra.OpenHow How(int flags) =>
            new() { Flags = (ulong)(flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), Resolve = Beneath };

        private static (ulong, ulong) IdOf(int fd)
        {
            stat status;
            return fstat(fd, &status) == 0 ? (status.st_dev, status.st_ino) : default;
        }

        private void Close()
        {
            if (_fd >= 0)
            {
                _ = close(_fd);
                _fd = -1;
            }
        }

        public void Dispose() => Close();
    }
}

using Tmds.Linux;

namespace PodUnits.Core.Native;

/// <summary>
/// flock(2) on a lock file, waited for. The image store's lock is taken shared by everything
/// that adds to the store (pull, import, resolve: blobs and layer dirs appear by atomic
/// rename, so adders never disturb each other) and exclusive by what removes (image rm,
/// gc); the refs lock, host port claims and the like exclusive for each read-modify-write.
/// flock locks are released by the kernel when the process dies, so a crash never leaves
/// anything locked.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) => _fd = fd;

    public static FileLock Shared(string path) => Take(path, LibcExtra.LOCK_SH);

    public static FileLock Exclusive(string path) => Take(path, LibcExtra.LOCK_EX);

    private static FileLock Take(string path, int operation)
    {
        // A raw descriptor: FileStream takes flock locks of its own to emulate FileShare.
        int fd = Open(path);
        try
        {
            int result;
            do
            {
                result = LibcExtra.flock(fd, operation);
            }
            while (result == -1 && LibC.errno == LibC.EINTR);
            Check.Io(result, "flock", path);
        }
        catch
        {
            _ = LibC.close(fd);
            throw;
        }
        return new FileLock(fd);
    }

    /// <summary>Whether <paramref name="path"/> could be locked at once (LOCK_EX|LOCK_NB): the
    /// lock, or null while another holds it.</summary>
    public static FileLock? TryExclusive(string path) => TryTake(path, LibcExtra.LOCK_EX);

    /// <summary>
    /// A shared lock whose wait ends at <paramref name="cancellationToken"/>: for a command a
    /// user may interrupt while another holds the lock exclusively (`image export` behind a
    /// long `gc`). A blocked flock(2) cannot be cancelled, so the wait is a retry every
    /// 50 ms; the exclusive holders are short, the shared ones never wait for each other.
    /// </summary>
    public static async Task<FileLock> SharedAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(path, LibcExtra.LOCK_SH) is { } taken)
            {
                return taken;
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileLock? TryTake(string path, int operation)
    {
        int fd = Open(path);
        if (LibcExtra.flock(fd, operation | LibcExtra.LOCK_NB) == 0)
        {
            return new FileLock(fd);
        }
        int errno = LibC.errno;
        _ = LibC.close(fd);
        return errno == LibC.EWOULDBLOCK ? null : throw new Errors.NativeCallException("flock", errno, path);
    }

    /// <summary>
    /// Owner-only: flock needs no more than a descriptor, so a lock file others could open
    /// would let any user hold PodUnits' locks and stall every pod start (review of
    /// 2026-12-05: netns.lock, 0644 in the world-searchable /run/podunits). A file made
    /// 0644 by an older version is narrowed here; a symlink is refused.
    /// </summary>
    private static unsafe int Open(string path)
    {
        using var p = new CString(path);
        int fd = Check.Io(LibC.open(p, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, LibcExtra.Mode0600), "open", path);
        if (LibC.fchmod(fd, LibcExtra.Mode0600) != 0)
        {
            int errno = LibC.errno;
            _ = LibC.close(fd);
            throw new Errors.NativeCallException("fchmod", errno, path);
        }
        return fd;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) _ = LibC.close(fd);
    }
}

using PodUnits.Images.Native;

namespace PodUnits.Images.Store;

/// <summary>
/// flock(2) on a lock file. The store lock is taken shared by everything that adds to the
/// store (pull, import, resolve: blobs and layer dirs appear by atomic rename, so adders
/// never disturb each other) and exclusive by what removes (image rm, gc). The refs lock
/// is taken exclusive for each read-modify-write of refs.json. flock locks are released by
/// the kernel when the process dies, so a crash never leaves the store locked.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private const int O_RDWR = 2, O_CREAT = 0x40;
    private int _fd;

    private StoreLock(int fd) => _fd = fd;

    public static StoreLock Shared(string path) => Take(path, ImagesLibc.LOCK_SH);

    public static StoreLock Exclusive(string path) => Take(path, ImagesLibc.LOCK_EX);

    private static StoreLock Take(string path, int operation)
    {
        // A raw descriptor: FileStream takes flock locks of its own to emulate FileShare.
        int fd = ImagesLibc.CheckIo(ImagesLibc.open(path, O_RDWR | O_CREAT | ImagesLibc.O_CLOEXEC, 0x1a4), "open", path);
        while (ImagesLibc.flock(fd, operation) == -1)
        {
            int errno = ImagesLibc.Errno;
            if (errno == ImagesLibc.EINTR) continue;
            ImagesLibc.close(fd);
            throw new PodUnits.Core.Errors.NativeCallException("flock", errno, path);
        }
        return new StoreLock(fd);
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) ImagesLibc.close(fd);
    }
}

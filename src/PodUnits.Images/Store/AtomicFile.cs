using PodUnits.Images.Native;

namespace PodUnits.Images.Store;

/// <summary>Crash-safe file replacement: write a temp name in the same directory, fsync,
/// rename over the target, fsync the directory. A reader sees the old or the new file,
/// never a half-written one.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        string temp = $"{Path.GetDirectoryName(path)}/.tmp-{Path.GetFileName(path)}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>fsync(2) on a directory makes a rename in it durable.</summary>
    public static void SyncDirectory(string directory)
    {
        int fd = ImagesLibc.CheckIo(ImagesLibc.open(directory, ImagesLibc.O_RDONLY | ImagesLibc.O_DIRECTORY | ImagesLibc.O_CLOEXEC, 0), "open", directory);
        try
        {
            ImagesLibc.CheckIo(ImagesLibc.fsync(fd), "fsync", directory);
        }
        finally
        {
            ImagesLibc.close(fd);
        }
    }
}

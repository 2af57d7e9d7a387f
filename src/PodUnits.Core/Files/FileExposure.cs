namespace PodUnits.Core.Files;

/// <summary>
/// Whether a file's content is open to every user of the host: the file is readable by
/// others and every directory on the way lets others through (o+x). A 0644 file in a 0700
/// directory is root's alone, which a check of the file's own mode would miss.
/// </summary>
public static class FileExposure
{
    public static bool EveryUserCanRead(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            if ((File.GetUnixFileMode(full) & UnixFileMode.OtherRead) == 0)
            {
                return false;
            }
            for (string? dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
                {
                    return false;
                }
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // removed since it was read (a refresh, an upgrade): nobody reads it now
        }
    }
}

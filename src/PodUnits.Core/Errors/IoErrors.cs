namespace PodUnits.Core.Errors;

/// <summary>
/// What a failed file operation means, in words. The executables are built with
/// UseSystemResourceKeys (smaller NativeAOT images), so .NET's own exception messages are
/// resource keys ("IO_FileNotFound_FileName, /x"): an error a user reads says it this way.
/// </summary>
public static class IoErrors
{
    public static string Describe(Exception e, string path)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e switch
        {
            FileNotFoundException => "no such file",
            DirectoryNotFoundException => $"no such directory: {Path.GetDirectoryName(Path.GetFullPath(path))} (or one above it)",
            UnauthorizedAccessException when Directory.Exists(path) => "is a directory, not a file",
            UnauthorizedAccessException => "permission denied",
            PathTooLongException => "the path is too long",
            EndOfStreamException => "ends too early (truncated)",
            _ => e.Message,
        };
    }
}

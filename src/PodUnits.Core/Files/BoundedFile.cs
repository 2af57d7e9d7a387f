using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Core.Files;

/// <summary>
/// Reads a file users name (a definition, a ConfigMap, a --from-file) without trusting what
/// it is: only a regular file is read, and never more than a limit. File.ReadAllBytes would
/// block forever on a FIFO (no writer) and read /dev/zero until memory ran out; a FIFO in
/// /etc/podunits/pods would hang the generator, and with it every daemon-reload. The open
/// itself does not block (O_NONBLOCK), and the kind of file is the opened one's (fstat), so
/// nothing can be swapped in between.
/// </summary>
public static class BoundedFile
{
    /// <summary>The file's bytes, or null with <paramref name="refusal"/> saying why not (not a
    /// regular file, larger than <paramref name="maxBytes"/>). Not found, permission denied and
    /// other I/O errors throw, as File.ReadAllBytes does. Without <paramref name="followSymlinks"/>
    /// the open is O_NOFOLLOW: a symlink at <paramref name="path"/> fails it (ELOOP, an IOException).</summary>
    public static unsafe byte[]? Read(string path, long maxBytes, out string? refusal, bool followSymlinks = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        int fd = LibcExtra.open(path, LibcExtra.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC | (followSymlinks ? 0 : LibcExtra.O_NOFOLLOW), 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == LibC.ENOENT ? new FileNotFoundException($"no such file: {path}", path)
                : errno == LibC.EACCES ? new UnauthorizedAccessException($"permission denied: {path}")
                : new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        stat status;
        if (LibC.fstat(fd, &status) != 0)
        {
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");
        }
        uint type = (uint)status.st_mode & FileTypes.Mask;
        if (type != FileTypes.Regular)
        {
            refusal = type == FileTypes.Directory ? "is a directory, not a file" : $"is not a regular file ({FileTypes.Describe(type)})";
            return null;
        }
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes)
            {
                refusal = $"is larger than {maxBytes} bytes";
                return null;
            }
        }
        refusal = null;
        return buffer.ToArray();
    }

    /// <summary>As <see cref="Read"/>, decoded as File.ReadAllText decodes (UTF-8 unless a
    /// byte order mark says otherwise).</summary>
    public static string? ReadText(string path, long maxBytes, out string? refusal, bool followSymlinks = true)
    {
        if (Read(path, maxBytes, out refusal, followSymlinks) is not { } bytes)
        {
            return null;
        }
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

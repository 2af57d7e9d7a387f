using System.Text;
using PodUnits.Core.Errors;
using static Tmds.Linux.LibC;

namespace PodUnits.Journal;

/// <summary>Builds a struct sockaddr_un for a filesystem path.</summary>
internal static class UnixAddress
{
    // sun_path holds at most 108 bytes including the terminating NUL (unix(7)).
    private const int PathCapacity = 108;

    /// <summary>sa_family_t (2 bytes), then the NUL-terminated path; the array length is the
    /// address length to pass to connect(2) or sendmsg(2).</summary>
    public static byte[] Build(string path)
    {
        int pathBytes = Encoding.UTF8.GetByteCount(path);
        if (pathBytes >= PathCapacity)
        {
            throw new BadInputException($"journal socket {path}",
                $"the path is longer than {PathCapacity - 1} bytes, the limit of an AF_UNIX address");
        }
        byte[] address = new byte[sizeof(ushort) + pathBytes + 1];
        BitConverter.TryWriteBytes(address, (ushort)AF_UNIX);
        Encoding.UTF8.GetBytes(path, address.AsSpan(sizeof(ushort)));
        return address;
    }
}

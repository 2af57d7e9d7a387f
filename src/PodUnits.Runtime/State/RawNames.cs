using System.Runtime.InteropServices;
using System.Text;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.State;

/// <summary>
/// File names as the kernel has them: bytes, not text. A container may name a file with any
/// bytes but '/' and NUL; .NET's enumeration decodes them as UTF-8 with U+FFFD in place of what
/// is not, and the string it gives names nothing on disk (dotnet/runtime#76877), so a tree
/// holding such a name could be neither removed nor measured (volumes review of 2026-12-07,
/// finding 2). A name here is a NUL-terminated byte[], ready for a syscall; it becomes a string
/// only to be printed (<see cref="Printable"/>).
/// </summary>
internal static unsafe class RawNames
{
    private const int BufferSize = 64 << 10;

    /// <summary>The names in the directory <paramref name="fd"/> is open on (read from its
    /// start; give it a descriptor of its own), "." and ".." left out; null with errno in
    /// <paramref name="error"/> when it cannot be read.</summary>
    public static List<byte[]>? Read(int fd, out int error)
    {
        var names = new List<byte[]>();
        byte* buffer = (byte*)NativeMemory.Alloc(BufferSize);
        try
        {
            while (true)
            {
                long read = LibcExtra.getdents64(fd, buffer, BufferSize);
                if (read < 0)
                {
                    error = Marshal.GetLastPInvokeError();
                    return null;
                }
                if (read == 0)
                {
                    error = 0;
                    return names;
                }
                AddEntries(new ReadOnlySpan<byte>(buffer, (int)read), names);
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    /// <summary>struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1),
    /// then d_name, NUL-terminated, padded to d_reclen.</summary>
    private static void AddEntries(ReadOnlySpan<byte> entries, List<byte[]> names)
    {
        const int NameOffset = 19;
        while (entries.Length > NameOffset)
        {
            int length = MemoryMarshal.Read<ushort>(entries[16..]); // the host's byte order
            ReadOnlySpan<byte> name = entries[NameOffset..length];
            name = name[..name.IndexOf((byte)0)];
            if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
            {
                names.Add([.. name, 0]);
            }
            entries = entries[length..];
        }
    }

    /// <summary>The name without its NUL.</summary>
    public static ReadOnlySpan<byte> Of(byte[] terminated) => terminated.AsSpan(0, terminated.Length - 1);

    /// <summary>A name or relative path for a message: UTF-8 as such, every other byte and
    /// control character as \xNN, so what an administrator reads can be typed back
    /// (<c>rm "$(printf 'd\xff')"</c>) and a name cannot split or drive the journal line.</summary>
    public static string Printable(ReadOnlySpan<byte> name)
    {
        var text = new StringBuilder(name.Length);
        while (!name.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(name, out Rune rune, out int used) == System.Buffers.OperationStatus.Done && !Rune.IsControl(rune))
            {
                text.Append(rune.ToString());
            }
            else
            {
                used = Math.Max(used, 1);
                foreach (byte b in name[..used])
                {
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
                }
            }
            name = name[used..];
        }
        return text.ToString();
    }
}

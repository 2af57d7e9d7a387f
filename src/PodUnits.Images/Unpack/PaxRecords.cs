using System.Globalization;
using System.Text;

namespace PodUnits.Images.Unpack;

/// <summary>
/// The records of a PAX extended header ("LEN key=value\n", LEN counting the whole record)
/// with each value kept as the bytes it is: System.Formats.Tar decodes values as UTF-8, so a
/// binary value (security.capability, security.ima) comes back with U+FFFD in place of its
/// bytes from 0x80 on (images review of 2026-12-07, finding 2). Split by each record's
/// length, as the format defines and Go's archive/tar reads it, so a value may hold a
/// newline (<see cref="PaxNewlineMask"/> hides those of xattr values from the reader); the
/// key ends at the first '='. Where a record is malformed parsing stops, and the reader
/// refuses the header anyway.
/// </summary>
internal static class PaxRecords
{
    public static Dictionary<string, byte[]> Parse(ReadOnlySpan<byte> block)
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (block.Length > 0)
        {
            int space = block.IndexOf((byte)' ');
            if (space < 0 || !int.TryParse(block[..space], NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length <= space + 1 || length > block.Length || block[length - 1] != (byte)'\n')
                break;
            ReadOnlySpan<byte> record = block[(space + 1)..(length - 1)];
            int equals = record.IndexOf((byte)'=');
            if (equals < 0) break;
            records.TryAdd(Encoding.UTF8.GetString(record[..equals]), record[(equals + 1)..].ToArray());
            block = block[length..];
        }
        return records;
    }
}

using System.Globalization;
using System.Text;

namespace PodUnits.Images.Unpack;

/// <summary>
/// The records of a PAX extended header ("LEN key=value\n", LEN counting the whole record)
/// with each value kept as the bytes it is: System.Formats.Tar decodes values as UTF-8, so a
/// binary value (security.capability, security.ima) comes back with U+FFFD in place of its
/// bytes from 0x80 on (images review of 2026-12-07, finding 2). Split as the reader splits
/// them (a record ends at the first newline, the key at the first '='), so both agree on
/// every header the reader takes; where a record is malformed parsing stops, and the reader
/// refuses the header anyway.
/// </summary>
internal static class PaxRecords
{
    public static Dictionary<string, byte[]> Parse(ReadOnlySpan<byte> block)
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (block.Length > 0)
        {
            int newline = block.IndexOf((byte)'\n');
            if (newline < 0) break;
            ReadOnlySpan<byte> line = block[..newline];
            int space = line.IndexOf((byte)' ');
            if (space < 0 || !int.TryParse(line[..space], NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length != newline + 1)
                break;
            line = line[(space + 1)..];
            int equals = line.IndexOf((byte)'=');
            if (equals < 0) break;
            records.TryAdd(Encoding.UTF8.GetString(line[..equals]), line[(equals + 1)..].ToArray());
            block = block[(newline + 1)..];
        }
        return records;
    }
}

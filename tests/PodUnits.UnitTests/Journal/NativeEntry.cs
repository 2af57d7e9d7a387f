using System.Buffers.Binary;
using System.Text;

namespace PodUnits.UnitTests.Journal;

/// <summary>Decodes one native-protocol entry, to check what an encoder produced field by field.</summary>
internal static class NativeEntry
{
    public static List<KeyValuePair<string, byte[]>> Parse(ReadOnlySpan<byte> data)
    {
        var fields = new List<KeyValuePair<string, byte[]>>();
        while (!data.IsEmpty)
        {
            int end = data.IndexOf((byte)'\n');
            int equals = data[..end].IndexOf((byte)'=');
            if (equals >= 0)
            {
                fields.Add(new(Encoding.ASCII.GetString(data[..equals]), data[(equals + 1)..end].ToArray()));
                data = data[(end + 1)..];
                continue;
            }
            string name = Encoding.ASCII.GetString(data[..end]);
            int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(data[(end + 1)..]));
            int start = end + 1 + sizeof(ulong);
            Assert.Equal((byte)'\n', data[start + length]);
            fields.Add(new(name, data.Slice(start, length).ToArray()));
            data = data[(start + length + 1)..];
        }
        return fields;
    }

    /// <summary>Splits a datagram into its entries at the empty lines between them, as
    /// journald's server_process_native_message() does, and decodes each.</summary>
    public static List<List<KeyValuePair<string, byte[]>>> ParseBatch(ReadOnlySpan<byte> data)
    {
        var entries = new List<List<KeyValuePair<string, byte[]>>>();
        int start = 0;
        int position = 0;
        while (position < data.Length)
        {
            if (data[position] == (byte)'\n')
            {
                entries.Add(Parse(data[start..position]));
                start = ++position;
                continue;
            }
            int end = data[position..].IndexOf((byte)'\n') + position;
            bool binary = data[position..end].IndexOf((byte)'=') < 0;
            position = binary ? end + 1 + sizeof(ulong) + (int)BinaryPrimitives.ReadUInt64LittleEndian(data[(end + 1)..]) + 1 : end + 1;
        }
        if (start < data.Length)
        {
            entries.Add(Parse(data[start..]));
        }
        return entries;
    }

    public static string Text(this List<KeyValuePair<string, byte[]>> fields, string name) =>
        Encoding.UTF8.GetString(Assert.Single(fields, f => f.Key == name).Value);
}

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

    public static string Text(this List<KeyValuePair<string, byte[]>> fields, string name) =>
        Encoding.UTF8.GetString(Assert.Single(fields, f => f.Key == name).Value);
}

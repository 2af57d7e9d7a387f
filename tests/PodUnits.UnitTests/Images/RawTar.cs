using System.Text;

namespace PodUnits.UnitTests.Images;

/// <summary>Tar bytes written by hand, for what TarWriter will not write: a metadata header
/// of any size, a PAX value that is not UTF-8, a GNU base-256 size.</summary>
internal static class RawTar
{
    /// <summary>One 512-byte ustar header with a valid checksum; <paramref name="sizeField"/>
    /// replaces the octal size field when given (12 bytes).</summary>
    public static byte[] Header(string name, char type, long size, byte[]? sizeField = null)
    {
        byte[] block = new byte[512];
        void Put(int at, string text) => Encoding.ASCII.GetBytes(text).CopyTo(block, at);
        Put(0, name);
        Put(100, "0000644\0");
        Put(108, "0000000\0");
        Put(116, "0000000\0");
        if (sizeField is null) Put(124, Convert.ToString(size, 8).PadLeft(11, '0') + "\0");
        else sizeField.CopyTo(block, 124);
        Put(136, "00000000000\0");
        Put(148, "        ");
        block[156] = (byte)type;
        Put(257, "ustar\0");
        Put(263, "00");
        int sum = block.Sum(b => b);
        Put(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return block;
    }

    /// <summary>A header and its data, padded to whole blocks.</summary>
    public static byte[] Entry(string name, char type, byte[] data) =>
        [.. Header(name, type, data.Length), .. data, .. new byte[(512 - data.Length % 512) % 512]];

    /// <summary>PAX records ("LEN key=value\n") with raw values.</summary>
    public static byte[] Pax(params (string Key, byte[] Value)[] records)
    {
        var output = new MemoryStream();
        foreach ((string key, byte[] value) in records)
        {
            byte[] body = [.. Encoding.UTF8.GetBytes($" {key}="), .. value, (byte)'\n'];
            int length = body.Length + 1;
            while ((length.ToString().Length + body.Length) != length) length++;
            output.Write(Encoding.ASCII.GetBytes(length.ToString()));
            output.Write(body);
        }
        return output.ToArray();
    }

    /// <summary>The two zero blocks that end an archive.</summary>
    public static byte[] End() => new byte[1024];
}

using System.Buffers.Binary;
using System.Text;
using PodUnits.Runtime.Logging;

namespace PodUnits.UnitTests.Runtime;

public sealed class ExportedLogFieldsTests
{
    /// <summary>What systemd writes: per field a little-endian 64-bit length, then the bytes.</summary>
    private static byte[] Exported(params string[] fields)
    {
        var bytes = new List<byte>();
        foreach (string field in fields)
        {
            byte[] data = Encoding.UTF8.GetBytes(field);
            byte[] length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)data.Length);
            bytes.AddRange(length);
            bytes.AddRange(data);
        }
        return [.. bytes];
    }

    [Fact]
    public void ReadsEveryFieldInOrderWithEqualsSignsInValuesKept()
    {
        var fields = ExportedLogFields.Parse(Exported("POD_NAME=web", "CONTAINER_NAME=main", "NOTE=a=b"));
        Assert.Equal([new("POD_NAME", "web"), new("CONTAINER_NAME", "main"), new("NOTE", "a=b")], fields!);
    }

    [Fact]
    public void AnEmptyFileHasNoFields() => Assert.Empty(ExportedLogFields.Parse([])!);

    [Fact]
    public void RefusesWhatIsNotSuchAFile()
    {
        byte[] good = Exported("POD_NAME=web");
        Assert.Null(ExportedLogFields.Parse(good.AsSpan(0, good.Length - 1))); // cut short
        Assert.Null(ExportedLogFields.Parse(good.AsSpan(0, 5))); // a partial length
        Assert.Null(ExportedLogFields.Parse(Exported("no equals sign")));
        Assert.Null(ExportedLogFields.Parse("POD_NAME=web\n"u8)); // text, not lengths
    }

    [Fact]
    public void AMissingFileMeansNoFieldsAndAMissingDirectoryMeansAskSystemd()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-units-").FullName;
        try
        {
            Assert.Empty(ExportedLogFields.Read("pod@web.service", dir)!);
            File.WriteAllBytes($"{dir}/log-extra-fields:pod@web.service", Exported("POD_NAME=web"));
            Assert.Equal([new("POD_NAME", "web")], ExportedLogFields.Read("pod@web.service", dir)!);
            Assert.Null(ExportedLogFields.Read("pod@web.service", dir + "/missing"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

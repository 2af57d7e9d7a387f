using System.Formats.Tar;
using System.IO.Compression;

namespace PodUnits.UnitTests.Images;

/// <summary>Builds layer tars in memory, hostile ones included, with TarWriter.</summary>
#pragma warning disable CA1001 // the writer is finished by Tar(); nothing to release otherwise
internal sealed class LayerBuilder
{
    private readonly MemoryStream _tar = new();
    private readonly TarWriter _writer;

    public LayerBuilder() => _writer = new TarWriter(_tar, TarEntryFormat.Pax, leaveOpen: true);

    public LayerBuilder Dir(string name, UnixFileMode mode = (UnixFileMode)0x1ed, DateTimeOffset? mtime = null)
    {
        var entry = new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode };
        if (mtime is { } time)
        {
            entry.ModificationTime = time;
        }
        _writer.WriteEntry(entry);
        return this;
    }

    public LayerBuilder File(string name, string content, UnixFileMode mode = (UnixFileMode)0x1a4,
        Dictionary<string, string>? pax = null, int uid = 0, int gid = 0, DateTimeOffset? mtime = null)
    {
        var entry = pax is null ? new PaxTarEntry(TarEntryType.RegularFile, name) : new PaxTarEntry(TarEntryType.RegularFile, name, pax);
        entry.Mode = mode;
        entry.Uid = uid;
        entry.Gid = gid;
        if (mtime is not null) entry.ModificationTime = mtime.Value;
        entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        _writer.WriteEntry(entry);
        return this;
    }

    public LayerBuilder Symlink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });
        return this;
    }

    public LayerBuilder HardLink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });
        return this;
    }

    public LayerBuilder Device(string name, TarEntryType type, int major, int minor)
    {
        _writer.WriteEntry(new PaxTarEntry(type, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0x1b6 });
        return this;
    }

    public LayerBuilder Fifo(string name)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0x1a4 });
        return this;
    }

    public byte[] Tar()
    {
        _writer.Dispose();
        return _tar.ToArray();
    }

    public static byte[] Gzip(byte[] tar)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(tar);
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] tar)
    {
        using var compressor = new ZstdSharp.Compressor();
        return compressor.Wrap(tar).ToArray();
    }
}

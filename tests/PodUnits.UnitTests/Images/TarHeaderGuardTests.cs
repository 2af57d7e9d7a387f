using System.Text;
using PodUnits.Images.Unpack;

namespace PodUnits.UnitTests.Images;

/// <summary>Images review of 2026-12-07, finding 1: System.Formats.Tar read a PAX or GNU
/// long-name header of up to 2 GiB whole into memory, and a gzip of a few MB made stage 0
/// allocate gigabytes. The guard under the reader refuses such a header before it is read,
/// and must follow every other tar exactly as the reader does.</summary>
public sealed class TarHeaderGuardTests
{
    private static UnpackResult Unpack(ScratchDir dir, byte[] layer) =>
        new LayerUnpacker(_ => long.MaxValue / 2, isRoot: false).Unpack(new MemoryStream(layer), dir.Root);

    [Fact]
    public void APaxHeaderOfMegabytesIsRefusedBeforeAnyOfItIsRead()
    {
        using var dir = new ScratchDir();
        int size = 4 << 20;
        byte[] record = RawTar.Pax(("comment", Encoding.ASCII.GetBytes(new string('a', size - 20))));
        byte[] layer = LayerBuilder.Gzip([.. RawTar.Header("PaxHeaders/f", 'x', record.Length), .. record, .. RawTar.End()]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<TarHeaderTooLargeException>(() => Unpack(dir, layer));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("a tar header of type x larger than 1 MiB", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 2 << 20, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData('g')]
    [InlineData('L')]
    [InlineData('K')]
    public void OtherMetadataHeadersHaveTheSameLimit(char type)
    {
        using var dir = new ScratchDir();
        byte[] layer = [.. RawTar.Header("meta", type, TarHeaderGuard.SpecialLimit + 1), .. new byte[4096]];

        Assert.Throws<TarHeaderTooLargeException>(() => Unpack(dir, layer));
    }

    [Fact]
    public void HeadersUpToTheLimitAndWhatFollowsThemAreRead()
    {
        using var dir = new ScratchDir();
        // A comment of almost 1 MiB, a long name, a PAX "size" that overrides the file's size
        // field (0 here), a GNU base-256 size: the guard must land on each next header.
        byte[] pax = RawTar.Pax(("comment", Encoding.ASCII.GetBytes(new string('c', TarHeaderGuard.SpecialLimit - 100))),
            ("size", "600"u8.ToArray()));
        byte[] base256 = new byte[12];
        base256[0] = 0x80;
        base256[11] = 100;
        string longName = string.Join('/', Enumerable.Repeat("dir", 80)) + "/f";
        byte[] layer =
        [
            .. RawTar.Header("PaxHeaders/a", 'x', pax.Length), .. pax, .. new byte[(512 - pax.Length % 512) % 512],
            .. RawTar.Header("a", '0', 0), .. Encoding.ASCII.GetBytes(new string('a', 600)), .. new byte[424],
            .. RawTar.Entry("././@LongLink", 'L', Encoding.ASCII.GetBytes(longName + "\0")),
            .. RawTar.Entry("short", '0', "long"u8.ToArray()),
            .. RawTar.Header("b", '0', 0, base256), .. Encoding.ASCII.GetBytes(new string('b', 100)), .. new byte[412],
            .. RawTar.Entry("c", '0', "last"u8.ToArray()),
            .. RawTar.End(),
        ];

        Unpack(dir, layer);

        Assert.Equal(new string('a', 600), File.ReadAllText(dir.Root + "/a"));
        Assert.Equal("long", File.ReadAllText(dir.Root + "/" + longName));
        Assert.Equal(new string('b', 100), File.ReadAllText(dir.Root + "/b"));
        Assert.Equal("last", File.ReadAllText(dir.Root + "/c"));
    }
}

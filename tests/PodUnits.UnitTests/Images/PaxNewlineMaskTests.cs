using System.Text;
using PodUnits.Images.Unpack;

namespace PodUnits.UnitTests.Images;

/// <summary>The reader gets an x header's data with each newline inside an xattr value
/// replaced, however the data is cut into reads; everything else byte for byte.</summary>
public sealed class PaxNewlineMaskTests
{
    private static byte[] Masked(byte[] data, int chunk)
    {
        byte[] copy = [.. data];
        var mask = new PaxNewlineMask();
        for (int at = 0; at < copy.Length; at += chunk)
            mask.Mask(copy.AsSpan(at, Math.Min(chunk, copy.Length - at)));
        return copy;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void OnlyTheNewlinesInsideXattrValuesAreMasked(int chunk)
    {
        byte[] data = RawTar.Pax(
            ("SCHILY.xattr.user.a", "x\ny\n"u8.ToArray()),
            ("comment", "keep\nthis"u8.ToArray()),
            ("SCHILY.xattr.security.capability", [0x0a, 0x3d, 0x0a]));

        string masked = Encoding.Latin1.GetString(Masked(data, chunk));

        Assert.Equal(
            Encoding.Latin1.GetString(RawTar.Pax(
                ("SCHILY.xattr.user.a", "x y "u8.ToArray()),
                ("comment", "keep\nthis"u8.ToArray()),
                ("SCHILY.xattr.security.capability", [0x20, 0x3d, 0x20]))),
            masked);
        Assert.Equal(data, PaxRecordsRoundTrip(data));
    }

    [Fact]
    public void AMalformedRecordStopsTheScanAndLeavesTheRestAsItWas()
    {
        // The first record's length ends it inside its key: nothing after it is touched (the
        // reader refuses the header). One claiming more than it has is not malformed yet at
        // its newline: by its length the next record is part of its value.
        byte[] data = [.. "12 SCHILY.xattr.user.a=1\n"u8, .. RawTar.Pax(("SCHILY.xattr.user.b", "2\n3"u8.ToArray()))];

        Assert.Equal(data, Masked(data, 5));
    }

    [Fact]
    public void TheRawRecordsKeepTheNewlines()
    {
        byte[] data = RawTar.Pax(("SCHILY.xattr.user.a", "x\ny"u8.ToArray()), ("path", "f"u8.ToArray()));

        Dictionary<string, byte[]> records = PaxRecords.Parse(data);

        Assert.Equal("x\ny"u8.ToArray(), records["SCHILY.xattr.user.a"]);
        Assert.Equal("f"u8.ToArray(), records["path"]);
    }

    /// <summary>The records parsed back into the same bytes (each record's length holds).</summary>
    private static byte[] PaxRecordsRoundTrip(byte[] data) =>
        RawTar.Pax([.. PaxRecords.Parse(data).Select(r => (r.Key, r.Value))]);
}

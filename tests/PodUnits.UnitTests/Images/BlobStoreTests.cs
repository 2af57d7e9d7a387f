using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images;
using PodUnits.Images.Store;
using PodUnits.UnitTests.Network;

namespace PodUnits.UnitTests.Images;

/// <summary>BlobStore.AddAsync with the size the caller was given: a layout's blob that grows
/// while it is copied (another user appending to it) is refused one byte past its size,
/// not copied until the disk is full.</summary>
public sealed class BlobStoreTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ABlobOfItsGivenSizeIsStored()
    {
        var blobs = new BlobStore(_temp.Path);
        byte[] content = Encoding.ASCII.GetBytes("seven b");
        string digest = Digests.Of(content);
        using var source = new MemoryStream(content);
        Assert.Equal(digest, await blobs.AddAsync(source, digest, content.Length, CancellationToken.None));
        Assert.Equal(content, await File.ReadAllBytesAsync(blobs.PathOf(digest)));
    }

    [Fact]
    public async Task ASourceLongerThanItsSizeIsRefusedWithoutReadingOn()
    {
        var blobs = new BlobStore(_temp.Path);
        byte[] content = new byte[1 << 20];
        string digest = Digests.Of(content.AsSpan(0, 100));
        using var source = new MemoryStream(content);
        var e = await Assert.ThrowsAsync<BadInputException>(() => blobs.AddAsync(source, digest, 100, CancellationToken.None));
        Assert.Equal($"blob {digest}: has more than the 100 bytes it was given; refused", e.Message);
        Assert.Equal(101, source.Position); // one byte past the size, not the whole source
        Assert.False(blobs.Has(digest));
        Assert.Empty(Directory.EnumerateFiles(blobs.Directory)); // no temporary left behind
    }
}

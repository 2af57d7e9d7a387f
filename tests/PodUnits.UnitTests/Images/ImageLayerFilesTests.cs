using PodUnits.Images.Unpack;
using PodUnits.Planning.Plan;

namespace PodUnits.UnitTests.Images;

/// <summary>An image's /etc/passwd read from its layer directories (stage 0 resolves USER
/// with it) is what the container's overlay shows, and only ever a regular file.</summary>
public sealed class ImageLayerFilesTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-layerfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Unpacks <paramref name="layer"/> as the store does; returns its directory.</summary>
    private string Unpack(string name, LayerBuilder layer, bool xattrWhiteouts = false)
    {
        string root = Directory.CreateDirectory($"{_dir}/{name}").FullName;
        new LayerUnpacker { ForceXattrWhiteouts = xattrWhiteouts }.Unpack(new MemoryStream(layer.Tar()), root);
        return root;
    }

    private string Lower() => Unpack("lower", new LayerBuilder().File("etc/passwd", "app:x:1000:1000::/:/bin/sh\n"));

    private static Task<string?> ReadPasswd(params string[] layers) =>
        Task.Run(() => ImageLayerFiles.Read(string.Join(':', layers), "etc/passwd")).WaitAsync(NoHang);

    [Fact]
    public async Task ALowerLayersPasswdIsReadWhenNoLayerAboveTouchesIt()
    {
        string upper = Unpack("upper", new LayerBuilder().File("etc/motd", "hi"));
        Assert.Equal("app:x:1000:1000::/:/bin/sh\n", await ReadPasswd(upper, Lower()));
    }

    [Fact]
    public async Task AFifoPasswdIsNotOpenedAndHidesTheLowerOne()
    {
        string upper = Unpack("upper", new LayerBuilder().Fifo("etc/passwd"));
        Assert.Null(await ReadPasswd(upper, Lower())); // a blocking open would wait for a writer for ever
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AWhiteoutHidesTheLowerLayersPasswd(bool xattrWhiteouts)
    {
        string upper = Unpack("upper", new LayerBuilder().File("etc/.wh.passwd", ""), xattrWhiteouts);
        Assert.Null(await ReadPasswd(upper, Lower()));
    }

    [Fact]
    public async Task AnOpaqueDirectoryOrAWhitedOutEtcHidesTheLowerLayersPasswd()
    {
        string opaque = Unpack("opaque", new LayerBuilder().File("etc/.wh..wh..opq", "").File("etc/motd", "hi"));
        string deleted = Unpack("deleted", new LayerBuilder().File(".wh.etc", ""));
        Assert.Null(await ReadPasswd(opaque, Lower()));
        Assert.Null(await ReadPasswd(deleted, Lower()));
    }

    [Fact]
    public async Task ASymlinkedPasswdIsNotFollowedToTheHost()
    {
        string upper = Unpack("upper", new LayerBuilder().Symlink("etc/passwd", "/etc/passwd"));
        Assert.Null(await ReadPasswd(upper, Lower()));
    }
}

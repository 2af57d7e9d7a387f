using System.Formats.Tar;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>Import, resolve, list, rm and gc on a store in a temp dir.</summary>
public sealed class ImageStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-store-").FullName;
    private readonly ImageStore _store;

    public ImageStoreTests() => _store = ImageStore.Open(_dir + "/store", new RegistrySettings());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (List<byte[]> Tars, List<byte[]> Blobs) TwoLayers()
    {
        byte[] lower = new LayerBuilder().Dir("bin").File("bin/tool", "v1", (UnixFileMode)0x1ed).File("etc/motd", "hello").Tar();
        byte[] upper = new LayerBuilder().File("bin/tool", "v2", (UnixFileMode)0x1ed).Tar();
        return ([lower, upper], [LayerBuilder.Gzip(lower), LayerBuilder.Zstd(upper)]);
    }

    private string Layout(string name, string? refName = null)
    {
        (List<byte[]> tars, List<byte[]> blobs) = TwoLayers();
        string dir = $"{_dir}/{name}";
        OciLayoutBuilder.Write(dir, tars, blobs, "application/vnd.oci.image.layer.v1.tar+gzip", refName);
        return dir;
    }

    private static void TarDirectory(string dir, string tarPath)
    {
        using var output = File.Create(tarPath);
        TarFile.CreateFromDirectory(dir, output, includeBaseDirectory: false);
    }

    [Fact]
    public async Task ImportsAnOciLayoutAndResolvesItsLayersTopFirst()
    {
        var images = await _store.ImportAsync(Layout("layout"), "localhost/test/app:1");
        ResolvedImage image = Assert.Single(images);

        Assert.Equal("localhost/test/app:1", image.Reference);
        Assert.Equal(2, image.LayerDirs.Count);
        Assert.Equal("v2", File.ReadAllText(image.LayerDirs[0] + "/bin/tool"));
        Assert.Equal("v1", File.ReadAllText(image.LayerDirs[1] + "/bin/tool"));
        Assert.Equal("hello", File.ReadAllText(image.LayerDirs[1] + "/etc/motd"));
        Assert.Equal(["/bin/sh"], image.Config.Cmd);
        Assert.StartsWith(_dir + "/store/layers/v2/", image.LayerDirs[0], StringComparison.Ordinal);

        ResolvedImage again = await _store.ResolveAsync("localhost/test/app:1", PullPolicy.Never);
        Assert.Equal(image.ManifestDigest, again.ManifestDigest);
        Assert.Equal(image.LayerDirs, again.LayerDirs);
    }

    [Fact]
    public async Task ImportsAnOciArchiveNamedInsideIt()
    {
        string layout = Layout("layout", refName: "registry.example/team/app:2");
        TarDirectory(layout, _dir + "/app.tar");

        ResolvedImage image = Assert.Single(await _store.ImportAsync(_dir + "/app.tar"));

        Assert.Equal("registry.example/team/app:2", image.Reference);
        Assert.Contains(_store.List(), row => row.Reference == "registry.example/team/app:2" && row.Size > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir + "/store/tmp")); // the unpacked archive is gone
    }

    [Fact]
    public async Task AStoreRootItCreatesIsRootsAloneWhileAnExistingOneIsLeftAsItIs()
    {
        TarDirectory(Layout("layout", refName: "registry.example/team/app:2"), _dir + "/app.tar");
        var store = ImageStore.Open(_dir + "/new/store", new RegistrySettings());
        await store.ImportAsync(_dir + "/app.tar");

        // Layer dirs keep images' setuid binaries: no host user may reach them.
        foreach (string dir in (string[])["", "/blobs", "/layers", "/tmp"]) Assert.Equal(0x1c0, Stat.Mode(store.Root + dir));
        Directory.CreateDirectory(_dir + "/packaged", (UnixFileMode)0x1ed);
        File.SetUnixFileMode(_dir + "/packaged", (UnixFileMode)0x1ed);
        ImageStore.Open(_dir + "/packaged", new RegistrySettings());
        Assert.Equal(0x1ed, Stat.Mode(_dir + "/packaged"));
    }

    [Fact]
    public async Task AnOciLayoutWithOnlyATagNeedsAName()
    {
        var e = await Assert.ThrowsAsync<BadInputException>(() => _store.ImportAsync(Layout("layout", refName: "1")));
        Assert.Contains("--name", e.Message);
    }

    [Fact]
    public async Task ADeviceOrAFifoIsRefusedBeforeItIsRead()
    {
        // /dev/zero was read for ever at 100% CPU, a FIFO waited for a writer (tour F).
        var device = await Assert.ThrowsAsync<BadInputException>(() => _store.ImportAsync("/dev/zero", "localhost/x:1"));
        Assert.Equal("import /dev/zero: is not a regular file or a directory (a character device)", device.Message);
        Assert.Equal(0, LibcFifo(_dir + "/fifo"));
        var fifo = await Assert.ThrowsAsync<BadInputException>(() => _store.ImportAsync(_dir + "/fifo", "localhost/x:1"));
        Assert.EndsWith("is not a regular file or a directory (a FIFO)", fifo.Message, StringComparison.Ordinal);
    }

    private static unsafe int LibcFifo(string path)
    {
        using var p = new PodUnits.Core.Native.CString(path);
        return Tmds.Linux.LibC.mkfifo(p, 0x180);
    }

    [Fact]
    public async Task ImportsADockerSaveArchive()
    {
        (List<byte[]> tars, _) = TwoLayers();
        string save = _dir + "/save";
        Directory.CreateDirectory(save + "/l1");
        Directory.CreateDirectory(save + "/l2");
        File.WriteAllBytes(save + "/l1/layer.tar", tars[0]);
        File.WriteAllBytes(save + "/l2/layer.tar", tars[1]);
        string diffIds = string.Join(",", tars.Select(t => $"\"sha256:{OciLayoutBuilder.Hex(t)}\""));
        File.WriteAllText(save + "/cfg.json", $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Entrypoint\":[\"/bin/tool\"]}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        File.WriteAllText(save + "/manifest.json", "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"busybox:saved\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]");
        TarDirectory(save, _dir + "/save.tar");

        ResolvedImage image = Assert.Single(await _store.ImportAsync(_dir + "/save.tar"));

        Assert.Equal("docker.io/library/busybox:saved", image.Reference);
        Assert.Equal(["/bin/tool"], image.Config.Entrypoint);
        Assert.Equal("v2", File.ReadAllText(image.LayerDirs[0] + "/bin/tool"));
    }

    [Fact]
    public async Task AHostileLayerEntryIsBadInputNamingTheImage()
    {
        byte[] evil = new LayerBuilder().File("../escape", "x").Tar();
        OciLayoutBuilder.Write(_dir + "/evil", [evil], [LayerBuilder.Gzip(evil)], "application/vnd.oci.image.layer.v1.tar+gzip");

        var e = await Assert.ThrowsAsync<BadInputException>(() => _store.ImportAsync(_dir + "/evil", "localhost/evil:1"));

        Assert.StartsWith($"import {_dir}/evil: image localhost/evil:1: layer entry '../escape'", e.Message, StringComparison.Ordinal);
        Assert.Equal(PodUnits.Core.Errors.ExitCodes.BadInput, e.ExitCode);
        Assert.Empty(_store.List());
    }

    [Theory]
    [InlineData("sha256:../../../etc/passwd")]
    [InlineData("md5:0123456789abcdef0123456789abcdef")]
    public async Task ADigestThatIsNotSha256IsBadInputNamingTheFileThatHoldsIt(string digest)
    {
        byte[] layer = new LayerBuilder().File("hello", "world").Tar();
        string manifest = OciLayoutBuilder.Write(_dir + "/odd", [layer], [layer], "application/vnd.oci.image.layer.v1.tar");
        File.WriteAllText(_dir + "/odd/index.json", File.ReadAllText(_dir + "/odd/index.json").Replace(manifest, digest, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<BadInputException>(() => _store.ImportAsync(_dir + "/odd", "localhost/odd:1"));

        Assert.Equal($"import {_dir}/odd: index.json names the digest '{digest}', not sha256: followed by 64 lowercase hex digits", e.Message);
        Assert.Equal(PodUnits.Core.Errors.ExitCodes.BadInput, e.ExitCode);
        Assert.Empty(_store.List());
    }

    [Fact]
    public async Task ALayerWhoseContentDoesNotMatchItsDiffIdIsRefusedAndLeavesNothing()
    {
        (List<byte[]> tars, List<byte[]> blobs) = TwoLayers();
        byte[] other = new LayerBuilder().File("evil", "x").Tar();
        OciLayoutBuilder.Write(_dir + "/bad", [tars[0], other], blobs, "application/vnd.oci.image.layer.v1.tar+gzip");

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ImportAsync(_dir + "/bad", "localhost/bad:1"));

        Assert.Contains("image config says", e.Message);
        Assert.Empty(_store.List());
        Assert.DoesNotContain(Directory.EnumerateDirectories(_dir + "/store/layers/v2"), d => Path.GetFileName(d).StartsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NeverWithAMissingImageIsAClearError()
    {
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ResolveAsync("busybox:none", PullPolicy.Never));
        Assert.Contains("Never", e.Message);
    }

    [Fact]
    public async Task ADigestReferenceFindsOnlyWhatItsOwnRepositoryNames()
    {
        ResolvedImage image = Assert.Single(await _store.ImportAsync(Layout("layout"), "localhost/team/app:1"));
        string digest = image.ManifestDigest;

        // The same manifest under another repository was judged by that name's policy, not this one's.
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => _store.ResolveAsync($"registry.example/app@{digest}", PullPolicy.Never));
        Assert.Equal($"image registry.example/app@{digest}: is not in the image store and imagePullPolicy is Never (import or fetch it first)", e.Message);
        Assert.Null(_store.LocalDigest($"localhost/team/other@{digest}"));

        // A tag of its own repository that names it does.
        ResolvedImage pinned = await _store.ResolveAsync($"localhost/team/app@{digest}", PullPolicy.Never);
        Assert.Equal(image.LayerDirs, pinned.LayerDirs);
        Assert.Equal(digest, _store.LocalDigest($"localhost/team/app:other@{digest}"));
    }

    [Fact]
    public async Task RmRefusesAnImageInUseAndGcKeepsIt()
    {
        ResolvedImage image = Assert.Single(await _store.ImportAsync(Layout("layout"), "localhost/test/app:1"));
        PodImages.Write(_store.Root, "web", ["localhost/test/app:1"]);

        var e = Assert.Throws<PodUnitsException>(() => _store.Remove("localhost/test/app:1"));
        Assert.Contains("pod web", e.Message);
        GcResult kept = _store.CollectGarbage();
        Assert.Equal(0, kept.LayersRemoved);
        Assert.All(image.LayerDirs, d => Assert.True(Directory.Exists(d)));

        PodImages.Delete(_store.Root, "web");
        GcResult removed = _store.Remove("localhost/test/app:1");
        Assert.Equal(2, removed.LayersRemoved);
        Assert.Equal(4, removed.BlobsRemoved); // manifest, config, two layers
        Assert.Empty(_store.List());
        Assert.All(image.LayerDirs, d => Assert.False(Directory.Exists(d)));
    }

    [Fact]
    public async Task GcRemovesTempLeftoversAndUnreferencedBlobsOnly()
    {
        ResolvedImage image = Assert.Single(await _store.ImportAsync(Layout("layout"), "localhost/test/app:1"));
        string stray = _store.Root + "/blobs/sha256/" + new string('a', 64);
        File.WriteAllText(stray, "stray");
        File.WriteAllText(_store.Root + "/blobs/sha256/.tmp-half", "half");
        Directory.CreateDirectory(_store.Root + "/layers/sha256/.tmp-half/x");

        GcResult result = _store.CollectGarbage();

        Assert.Equal(1, result.BlobsRemoved);
        Assert.Equal(2, result.TempsRemoved);
        Assert.False(File.Exists(stray));
        ResolvedImage still = await _store.ResolveAsync("localhost/test/app:1", PullPolicy.Never);
        Assert.Equal(image.LayerDirs, still.LayerDirs);
    }

    [Fact]
    public async Task ConcurrentImportsOfTheSameImageBothSucceed()
    {
        string layout = Layout("layout");
        var stores = Enumerable.Range(0, 4).Select(_ => ImageStore.Open(_store.Root, new RegistrySettings())).ToList();

        var results = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.ImportAsync(layout, $"localhost/app:{i}"))));

        Assert.Single(results.Select(r => r[0].ManifestDigest).Distinct());
        Assert.Equal(4, _store.List().Count);
        Assert.Equal(2, Directory.EnumerateDirectories(_store.Root + "/layers/v2").Count());
        Assert.Equal(Encoding.UTF8.GetBytes("v2"), File.ReadAllBytes(results[3][0].LayerDirs[0] + "/bin/tool"));
    }
}

public sealed class HostileArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<BadInputException> ImportDockerArchive(Action<string> populate, string layersJson)
    {
        string save = _dir + "/save";
        Directory.CreateDirectory(save);
        File.WriteAllText(save + "/cfg.json", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        File.WriteAllText(save + "/manifest.json", $"[{{\"Config\":\"cfg.json\",\"RepoTags\":[\"evil:1\"],\"Layers\":{layersJson}}}]");
        populate(save);
        using (var output = File.Create(_dir + "/save.tar")) TarFile.CreateFromDirectory(save, output, includeBaseDirectory: false);
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());
        var e = await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(_dir + "/save.tar"));
        Assert.Empty(store.List());
        // The config may be stored already (gc takes it); what matters: no host file became a blob.
        byte[] passwd = File.ReadAllBytes("/etc/passwd");
        Assert.DoesNotContain(Directory.EnumerateFiles(_dir + "/store/blobs/sha256"), f => File.ReadAllBytes(f).SequenceEqual(passwd));
        return e;
    }

    [Fact]
    public async Task ALayerPathOutsideTheArchiveIsRefused()
    {
        var e = await ImportDockerArchive(_ => { }, "[\"../../../../etc/passwd\"]");
        Assert.Contains("outside the image", e.Message);
    }

    [Fact]
    public async Task ASymlinkInTheArchivePointingOutsideIsNotFollowed()
    {
        var e = await ImportDockerArchive(save => File.CreateSymbolicLink(save + "/layer.tar", "/etc/passwd"), "[\"layer.tar\"]");
        Assert.Contains("archive member 'layer.tar' refused: it is a symlink to '/etc/passwd', outside the archive", e.Message);
    }

    [Fact]
    public async Task ASymlinkedDirectoryInTheArchiveIsNotFollowed()
    {
        var e = await ImportDockerArchive(save => Directory.CreateSymbolicLink(save + "/etc", "/etc"), "[\"etc/passwd\"]");
        Assert.Contains("archive member 'etc' refused: it is a symlink to '/etc', outside the archive", e.Message);
    }
}

using System.Diagnostics;
using System.Formats.Tar;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.IntegrationTests.Images;

/// <summary>Fetch from a real registry (docker-registry on loopback), images pushed by skopeo.</summary>
[Collection(HostWideGc.Name)]
public sealed class RegistryFetchTests : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly RegistryFixture _registry;
    private readonly string _storeRoot;

    public RegistryFetchTests(RegistryFixture registry)
    {
        _registry = registry;
        // A real ext4 dir (as /var/lib/podunits is), not the sandbox's tmpfs /tmp.
        _storeRoot = $"/var/lib/podunits/test-{Guid.NewGuid():N}";
    }

    public void Dispose()
    {
        if (Directory.Exists(_storeRoot)) Directory.Delete(_storeRoot, recursive: true);
    }

    private ImageStore Store(params int[] insecurePorts) =>
        ImageStore.Open(_storeRoot, new RegistrySettings(insecurePorts.Append(_registry.Port).Select(p => $"127.0.0.1:{p}")));

    private sealed class Recorder : IProgress<PullProgress>
    {
        public List<PullProgress> Reports { get; } = [];
        public void Report(PullProgress value)
        {
            lock (Reports) Reports.Add(value);
        }
    }

    [Fact]
    public async Task FetchReportsSkopeosDigestsAndUnpacksEveryLayer()
    {
        string reference = $"{_registry.Host}/test/busybox:1";
        var progress = new Recorder();

        ResolvedImage image = await Store().FetchAsync(reference, progress);

        using JsonDocument inspect = JsonDocument.Parse(await RegistryFixture.RunAsync("skopeo", "inspect", "--tls-verify=false", "docker://" + reference));
        Assert.Equal(inspect.RootElement.GetProperty("Digest").GetString(), image.ManifestDigest);
        string[] skopeoLayers = inspect.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToArray();
        Assert.Equal(3, image.LayerDirs.Count);
        foreach (string layer in skopeoLayers)
            Assert.Contains(progress.Reports, r => r.Digest == layer && r.Phase == PullPhase.Done);

        // Top layer first: random data, then the config layer, then busybox.
        Assert.True(File.Exists(image.LayerDirs[0] + "/data/random.bin"));
        Assert.Equal("hello from layer 2\n", File.ReadAllText(image.LayerDirs[1] + "/etc/hello"));
        Assert.Equal("busybox", new FileInfo(image.LayerDirs[2] + "/bin/sh").LinkTarget);
        string echoed = await RegistryFixture.RunAsync(image.LayerDirs[2] + "/bin/busybox", "echo", "ran");
        Assert.Equal("ran\n", echoed);
        Assert.Equal(["/bin/sh", "-c", "cat /etc/hello"], image.Config.Cmd);
    }

    [Fact]
    public async Task ADigestReferenceFetchesThatManifestAndThenResolvesFromTheStore()
    {
        using JsonDocument inspect = JsonDocument.Parse(await RegistryFixture.RunAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{_registry.Host}/test/busybox:1"));
        string digest = inspect.RootElement.GetProperty("Digest").GetString()!;
        string reference = $"docker://{_registry.Host}/test/busybox@{digest}";

        ResolvedImage fetched = await Store().ResolveAsync(reference, PullPolicy.IfNotPresent);
        // No registry is configured as insecure now: only the store can answer.
        ResolvedImage local = await ImageStore.Open(_storeRoot, new RegistrySettings()).ResolveAsync(reference, PullPolicy.Never);

        Assert.Equal(digest, fetched.ManifestDigest);
        Assert.Equal(fetched.LayerDirs, local.LayerDirs);
    }

    [Fact]
    public async Task TheLayersMountAsAnOverlayRootfsWithWhiteoutsApplied()
    {
        ResolvedImage image = await Store().FetchAsync($"{_registry.Host}/test/busybox:1");
        string pod = _storeRoot + "/pods/t";
        foreach (string d in new[] { "upper", "work", "merged" }) Directory.CreateDirectory($"{pod}/{d}");
        await RegistryFixture.RunAsync("mount", "-t", "overlay", "overlay", "-o",
            $"lowerdir={image.LowerDirOption},upperdir={pod}/upper,workdir={pod}/work", pod + "/merged");
        try
        {
            string output = await RegistryFixture.RunAsync("chroot", pod + "/merged", "/bin/sh", "-c", "cat /etc/hello; ls /etc");
            Assert.Equal("hello from layer 2\nhello\n", output); // etc/old is whited out
        }
        finally
        {
            await RegistryFixture.RunAsync("umount", pod + "/merged");
        }
    }

    [Fact]
    public async Task AnInterruptedTransferResumesWithARangeRequest()
    {
        using var proxy = new CuttingProxy(_registry.Port, cutAfter: 3 << 20);
        ResolvedImage image = await Store(proxy.Port).FetchAsync($"127.0.0.1:{proxy.Port}/test/busybox:1");

        Assert.Equal(1, proxy.Cuts);
        Assert.Contains(proxy.RangeHeaders, h => h.StartsWith("Range: bytes=", StringComparison.OrdinalIgnoreCase) && !h.Contains("bytes=0-", StringComparison.Ordinal));
        Assert.Equal(6 << 20, new FileInfo(image.LayerDirs[0] + "/data/random.bin").Length);
        Assert.Empty(Directory.EnumerateFiles(_storeRoot + "/blobs/sha256", ".tmp-*"));
    }

    [Fact]
    public async Task ACorruptedBlobIsRejected()
    {
        string layout = await _registry.PushBusyboxAsync("test/corrupt:1", marker: "corrupt me\n");
        string reference = $"{_registry.Host}/test/corrupt:1";
        using JsonDocument inspect = JsonDocument.Parse(await RegistryFixture.RunAsync("skopeo", "inspect", "--tls-verify=false", "docker://" + reference));
        string bigLayer = inspect.RootElement.GetProperty("Layers")[2].GetString()!;
        string hex = bigLayer["sha256:".Length..];
        string data = $"{_registry.Storage}/docker/registry/v2/blobs/sha256/{hex[..2]}/{hex}/data";
        using (var f = new FileStream(data, FileMode.Open, FileAccess.Write))
        {
            f.Position = 4 << 20;
            f.Write("CORRUPTED"u8);
        }

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => Store().FetchAsync(reference));

        Assert.Contains("does not match its digest", e.Message);
        Assert.False(File.Exists($"{_storeRoot}/blobs/sha256/{hex}"));
        Assert.Empty(Directory.EnumerateFiles(_storeRoot + "/blobs/sha256", ".tmp-*"));
        Assert.DoesNotContain(Store().List(), i => i.Reference.Contains("corrupt", StringComparison.Ordinal));
        Assert.True(Directory.Exists(layout));
    }

    [Fact]
    public async Task AFetchRefusedAtUnpackLeavesTheTagOnTheImageFetchedBefore()
    {
        await _registry.PushBusyboxAsync("test/broken:1");
        string reference = $"{_registry.Host}/test/broken:1";
        ResolvedImage good = await Store().FetchAsync(reference);

        // One layer whose diff_id in the config is another tar's: skopeo copies it as it is,
        // the store refuses it only when it unpacks the layer, after every blob is stored.
        string layout = $"{_registry.Dir}/broken-{Guid.NewGuid():N}";
        byte[] layer = OneFileTar("broken\n"), claimed = OneFileTar("claimed\n");
        OciLayoutBuilder.Write(layout, [claimed], [RegistryFixture.Gzip(layer)], "application/vnd.oci.image.layer.v1.tar+gzip", "1");
        await RegistryFixture.RunAsync("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:1", "docker://" + reference);

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => Store().FetchAsync(reference));

        Assert.Contains("image config says", e.Message, StringComparison.Ordinal);
        // No registry is configured as insecure now: only the store can answer.
        var offline = ImageStore.Open(_storeRoot, new RegistrySettings());
        Assert.Equal(good.ManifestDigest, (await offline.ResolveAsync(reference, PullPolicy.Never)).ManifestDigest);
        GcResult gc = offline.CollectGarbage();
        Assert.Equal(0, gc.LayersRemoved);
        Assert.Equal(3, gc.BlobsRemoved); // the refused image's manifest, config and layer
        ResolvedImage after = await offline.ResolveAsync(reference, PullPolicy.Never);
        Assert.Equal(good.ManifestDigest, after.ManifestDigest);
        Assert.Equal("hello from layer 2\n", File.ReadAllText(after.LayerDirs[1] + "/etc/hello"));
    }

    private static byte[] OneFileTar(string content)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "version")
            {
                Mode = (UnixFileMode)0x1a4,
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
            });
        }
        return tar.ToArray();
    }

    [Fact]
    public async Task TheCliFetchesListsRemovesAndCollects()
    {
        string config = _storeRoot + "-registries.yaml";
        File.WriteAllText(config, $"insecure: [\"{_registry.Host}\"]\n");
        try
        {
            (int code, string stdout, string stderr) = await Cli("image", "fetch", $"docker://{_registry.Host}/test/busybox:1");
            Assert.True(code == 0, stderr);
            Assert.Contains("Downloaded sha256:", stderr); // one line per layer off a terminal
            Assert.Contains($"{_registry.Host}/test/busybox:1 sha256:", stdout);

            (code, stdout, _) = await Cli("image", "list", "--output", "json");
            Assert.Equal(0, code);
            using JsonDocument list = JsonDocument.Parse(stdout);
            Assert.Equal($"{_registry.Host}/test/busybox:1", list.RootElement[0].GetProperty("reference").GetString());

            (code, _, stderr) = await Cli("image", "rm", "localhost/nothing:1");
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.StartsWith("podunits: image localhost/nothing:1: is not in the image store", stderr);

            (code, stdout, _) = await Cli("image", "rm", $"{_registry.Host}/test/busybox:1");
            Assert.Equal(0, code);
            Assert.Contains("3 layers", stdout);
            (code, stdout, _) = await Cli("gc");
            Assert.Equal(0, code);
            // The image lines; before them gc may name stale state of pods other tests left.
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith("removed 0 blobs, 0 layers", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(config);
        }

        async Task<(int, string, string)> Cli(params string[] args)
        {
            var psi = new ProcessStartInfo("/usr/bin/podunits", args) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["PODUNITS_STORE_ROOT"] = _storeRoot;
            psi.Environment["PODUNITS_REGISTRIES_CONFIG"] = config;
            using Process p = Process.Start(psi)!;
            Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode, await o, await e);
        }
    }
}

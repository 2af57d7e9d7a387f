using System.Formats.Tar;
using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>Pods pin the manifests they resolved, so a tag that moves never takes a running
/// pod's layers; gc removes the leftovers of dead imports and never a live one's.</summary>
public sealed partial class PinAndGcTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-pins-").FullName;
    private readonly ImageStore _store;

    public PinAndGcTests() => _store = ImageStore.Open(_dir + "/store", new RegistrySettings());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An OCI layout of a one-layer image whose file says <paramref name="version"/>.</summary>
    private string Layout(string version)
    {
        byte[] tar = new LayerBuilder().File("version", version).Tar();
        string dir = $"{_dir}/layout-{version}";
        OciLayoutBuilder.Write(dir, [tar], [LayerBuilder.Gzip(tar)], "application/vnd.oci.image.layer.v1.tar+gzip");
        return dir;
    }

    [Fact]
    public async Task APodPinsTheDigestItResolvedAndGcKeepsItsLayersAfterTheTagMoves()
    {
        await _store.ImportAsync(Layout("old"), "localhost/app:latest");
        PodImages.Write(_store.Root, "web", ["localhost/app"]);
        ResolvedImage running = await _store.ResolveForPodAsync("web", "localhost/app", PullPolicy.IfNotPresent);
        Assert.Equal($"localhost/app {running.ManifestDigest} u2\n", File.ReadAllText(PodImages.PathFor(_store.Root, "web")));

        ResolvedImage newer = Assert.Single(await _store.ImportAsync(Layout("new"), "localhost/app:latest")); // the tag moves
        GcResult gc = _store.CollectGarbage();

        Assert.Equal(0, gc.LayersRemoved);
        Assert.Equal("old", File.ReadAllText(running.LayerDirs[0] + "/version"));
        // The reference names another image now: removing it is allowed, and what the pod
        // runs stays.
        GcResult rm = _store.Remove("localhost/app:latest");
        Assert.Equal(1, rm.LayersRemoved);
        Assert.False(Directory.Exists(newer.LayerDirs[0]));
        Assert.Equal("old", File.ReadAllText(running.LayerDirs[0] + "/version"));

        PodImages.Delete(_store.Root, "web");
        Assert.Equal(1, _store.CollectGarbage().LayersRemoved);
        Assert.False(Directory.Exists(running.LayerDirs[0]));
    }

    /// <summary>Review of 2026-12-06: a layer was deleted file by file under its own name,
    /// which says it is whole; a removal that died midway (Ctrl-C, a kill, a power cut) left
    /// part of it there, and the next pull of an image on it used it as unpacked. Here the
    /// removal dies on a file it cannot unlink (immutable).</summary>
    [Fact]
    public async Task ALayerWhoseRemovalDiesMidwayIsNeverTakenForWhole()
    {
        string layout = Layout("whole");
        ResolvedImage image = Assert.Single(await _store.ImportAsync(layout, "localhost/app:1"));
        string layer = image.LayerDirs[0];
        File.WriteAllText($"{layer}/stuck", "");
        Chattr("+i", $"{layer}/stuck");
        string? left = null;
        try
        {
            Assert.ThrowsAny<Exception>(() => _store.Remove("localhost/app:1"));
            Assert.False(Directory.Exists(layer));
            left = Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(layer)!, ".tmp-rm-*"));
            // The next pull unpacks it again, whole.
            ResolvedImage again = Assert.Single(await _store.ImportAsync(layout, "localhost/app:1"));
            Assert.Equal(layer, again.LayerDirs[0]);
            Assert.Equal("whole", File.ReadAllText($"{layer}/version"));
            Assert.False(File.Exists($"{layer}/stuck"));
        }
        finally
        {
            Chattr("-i", left is null ? $"{layer}/stuck" : $"{left}/stuck");
        }
        _store.CollectGarbage(); // the rest of the removal
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(layer)!, ".tmp-rm-*"));
    }

    private static void Chattr(string flag, string file)
    {
        using var chattr = System.Diagnostics.Process.Start("chattr", [flag, file]);
        chattr.WaitForExit();
        Assert.Equal(0, chattr.ExitCode);
    }

    [Fact]
    public async Task RmRefusesTheReferenceARunningPodNamesButNotAnotherNameOfItsImage()
    {
        string layout = Layout("one");
        await _store.ImportAsync(layout, "localhost/app:1");
        PodImages.Write(_store.Root, "web", ["localhost/app:1"]);
        ResolvedImage running = await _store.ResolveForPodAsync("web", "localhost/app:1", PullPolicy.Never);
        await _store.ImportAsync(layout, "localhost/alias:1"); // the same manifest under another name

        var e = Assert.Throws<PodUnitsException>(() => _store.Remove("localhost/app:1"));
        Assert.Contains("in use by pod web", e.Message, StringComparison.Ordinal);

        // The alias is only a name (podman rmi untags): it goes, the pod's image stays.
        Assert.Equal(0, _store.Remove("localhost/alias:1").LayersRemoved);
        Assert.Equal(["localhost/app:1"], _store.List().Select(i => i.Reference));
        Assert.Equal("one", File.ReadAllText(running.LayerDirs[0] + "/version"));
        Assert.Equal(running.ManifestDigest, (await _store.ResolveForPodAsync("web", "localhost/app:1", PullPolicy.Never)).ManifestDigest);
    }

    [Fact]
    public void PinLinesGetTheirDigestOnceAndKeepOtherLines()
    {
        string a = "sha256:" + new string('a', 64), b = "sha256:" + new string('b', 64);
        PodImages.Write(_dir, "web", ["busybox", "nginx:1"]);

        PodImages.Record(_dir, "web", "busybox", a);
        PodImages.Record(_dir, "web", "busybox", a);
        PodImages.Record(_dir, "web", "busybox", b); // resolved again under another pull policy

        Assert.Equal($"busybox {a} u2\nnginx:1\nbusybox {b} u2\n", File.ReadAllText(PodImages.PathFor(_dir, "web")));
        Assert.Equal(
            [new PodImagePin("web", "busybox", a, 2), new PodImagePin("web", "nginx:1", null), new PodImagePin("web", "busybox", b, 2)],
            PodImages.ReadAll(_dir));
        Assert.Equal(new PodImagePin("old", a, a), PodImages.Parse("old", a)); // a bare digest pins itself
    }

    /// <summary>Upgrade review of 2026-12-07, finding 2: a pin written before there were
    /// unpacker versions names version 1's layer directories; one of a newer PodUnits its own.</summary>
    [Theory]
    [InlineData("busybox DIGEST", 1)]
    [InlineData("busybox DIGEST u2", 2)]
    [InlineData("busybox DIGEST u7", 7)]
    [InlineData("busybox DIGEST later", 1)]
    public void APinSaysWhichUnpackerVersionsLayersThePodMounts(string line, int version)
    {
        string a = "sha256:" + new string('a', 64);
        Assert.Equal(new PodImagePin("web", "busybox", a, version), PodImages.Parse("web", line.Replace("DIGEST", a, StringComparison.Ordinal)));
    }

    /// <summary>Upgrade review of 2026-12-07, finding 2: after an upgrade that bumps the
    /// unpacker version, a start unpacks the image's layers again beside the old ones, which
    /// a pod started before the upgrade still has as lower dirs: gc keeps those while that
    /// pod's pin (written without a version) holds them, and removes them once it is gone.</summary>
    [Fact]
    public async Task ALayerAnOlderUnpackerMadeStaysWhileAPodStartedBeforeTheUpgradeRunsOnIt()
    {
        ResolvedImage image = Assert.Single(await _store.ImportAsync(Layout("old"), "localhost/app:1"));
        // What the store held before the upgrade: the layer under version 1's name only, and
        // a pod that resolved it then.
        string current = image.LayerDirs[0];
        string legacy = _store.Root + "/layers/sha256/" + Path.GetFileName(current);
        Directory.CreateDirectory(Path.GetDirectoryName(legacy)!);
        Directory.Move(current, legacy);
        File.WriteAllText(legacy + "/made-by", "version 1");
        Directory.CreateDirectory(_store.Root + "/pods/before");
        File.WriteAllText(PodImages.PathFor(_store.Root, "before"), $"localhost/app:1 {image.ManifestDigest}\n");

        PodImages.Write(_store.Root, "after", ["localhost/app:1"]);
        ResolvedImage again = await _store.ResolveForPodAsync("after", "localhost/app:1", PullPolicy.Never);

        Assert.Equal(current, again.LayerDirs[0]); // unpacked again, under the current version's name
        Assert.Equal("old", File.ReadAllText(current + "/version"));
        Assert.False(File.Exists(current + "/made-by"));
        Assert.Equal(0, _store.CollectGarbage().LayersRemoved);
        Assert.Equal("version 1", File.ReadAllText(legacy + "/made-by")); // never touched under the running pod

        PodImages.Delete(_store.Root, "before");
        Assert.Equal(1, _store.CollectGarbage().LayersRemoved);
        Assert.False(Directory.Exists(legacy));
        Assert.True(Directory.Exists(current));
    }

    [Fact]
    public async Task GcRemovesWhatDeadImportsAndRefWritesLeftBehind()
    {
        await _store.ImportAsync(Layout("one"), "localhost/app:1");
        Directory.CreateDirectory(_store.Root + "/tmp/import-4242-dead/blobs/sha256");
        File.WriteAllText(_store.Root + "/tmp/import-4242-dead/blobs/sha256/x", "half an archive");
        File.WriteAllText(_store.Root + "/.tmp-refs.json-4242-dead", "{");
        // Images review of 2026-12-07, finding 3: `podunits refresh` replaces refresh.json in
        // the same directory without the store lock; gc took its file from under it.
        string refreshing = _store.Root + "/.tmp-refresh.json-4243-live";
        File.WriteAllText(refreshing, "{}");

        GcResult gc = _store.CollectGarbage();

        Assert.Equal(2, gc.TempsRemoved);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root + "/tmp"));
        Assert.Equal([refreshing], Directory.EnumerateFiles(_store.Root, ".tmp-*"));
        Assert.Single(_store.List());
    }

    /// <summary>Images review of 2026-12-06, finding 1: gc's byte count followed a layer's
    /// symlinks to directories (var/run -> /run in every Debian image; x -> / in a hostile
    /// one) onto the host's tree, and through a loop for ever. Here a dead unpack links to
    /// a directory outside the store holding 5 MB and a link to itself.</summary>
    [Fact]
    public async Task GcCountsALayersFilesWithoutFollowingItsLinksOutOfTheStore()
    {
        await _store.ImportAsync(Layout("one"), "localhost/app:1");
        string outside = Directory.CreateDirectory(_dir + "/outside").FullName;
        File.WriteAllBytes(outside + "/big", new byte[5 << 20]);
        Directory.CreateSymbolicLink(outside + "/loop", outside);
        string dead = _store.Root + "/layers/sha256/.tmp-dead";
        Directory.CreateDirectory(dead);
        File.WriteAllBytes(dead + "/own", new byte[1000]);
        Directory.CreateSymbolicLink(dead + "/escape", outside);

        GcResult gc = _store.CollectGarbage();

        Assert.Equal(1, gc.TempsRemoved);
        Assert.InRange(gc.BytesFreed, 1000, 64 << 10);
        Assert.False(Directory.Exists(dead));
        Assert.Equal(5 << 20, new FileInfo(outside + "/big").Length);
        Assert.Single(_store.List());
    }

    /// <summary>Images review of 2026-12-06, finding 2: a start waiting for the store lock
    /// behind gc sat in flock(2), deaf to the stop that cancels its token.</summary>
    [Fact]
    public async Task AResolveWaitingBehindGcEndsWhenItsStartIsStopped()
    {
        await _store.ImportAsync(Layout("one"), "localhost/app:1");
        using (PodUnits.Core.Native.FileLock.Exclusive(_store.Root + "/store.lock"))
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            // Bounded: a wait that heard no stop would hang the run rather than fail the test.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.ResolveAsync("localhost/app:1", PullPolicy.Never, cancellationToken: stop.Token)
                .WaitAsync(TimeSpan.FromSeconds(30)));
        }
        Assert.Equal("localhost/app:1", (await _store.ResolveAsync("localhost/app:1", PullPolicy.Never)).Reference);
    }

    [Fact]
    public async Task AnImportHoldsTheStoreLockForAsLongAsItsTempDirExists()
    {
        // gc removes tmp/ under the exclusive store lock; that is safe only if no import
        // can have a temp dir without holding the lock shared. Look while one is running.
        string layout = Layout("one");
        using (var output = File.Create(_dir + "/one.tar")) TarFile.CreateFromDirectory(layout, output, includeBaseDirectory: false);
        var seen = new List<(int Temps, bool ExclusiveFree)>();
        var probe = new OnReport(() => seen.Add((Directory.EnumerateDirectories(_store.Root + "/tmp", "import-*").Count(), ExclusiveIsFree())));

        await _store.ImportAsync(_dir + "/one.tar", "localhost/app:1", probe);

        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Equal((1, false), s));
    }

    private sealed class OnReport(Action onReport) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => onReport();
    }

    /// <summary>Whether the exclusive store lock could be taken now (without waiting).</summary>
    private bool ExclusiveIsFree()
    {
        using var file = new FileStream(_store.Root + "/store.lock", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int fd = (int)file.SafeFileHandle.DangerousGetHandle();
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) return false;
        flock(fd, LOCK_UN);
        return true;
    }

    private const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);
}
